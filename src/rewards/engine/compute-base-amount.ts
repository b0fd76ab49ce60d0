import { MAX_AMOUNT } from '../../lib/money';
import { selectTier } from './select-tier';
import type { ConversionFacts, RewardRule } from './types';

export interface BaseAmount {
  amount: number;
  /** the steps that produced the amount, for the explanation */
  steps: string[];
}

/**
 * The reward before caps: the tier (if any) chooses the rate, the rule type applies it.
 * Never NaN, negative or fractional: anything that is not a non-negative integer is 0. Never above
 * MAX_AMOUNT (10^12 minor units, the largest amount the API accepts): a larger product is limited
 * to it, so that sums of commissions stay exact integers in JavaScript and on D1.
 */
export function computeBaseAmount(
  rule: RewardRule,
  facts: ConversionFacts,
  tierCount: number,
): BaseAmount {
  const steps: string[] = [];
  let rate = rule.amount;
  const tier = selectTier(rule.tiers, tierCount + 1);
  if (tier) {
    rate = tier.amount;
    const suffix = rule.type === 'percent' ? ' bps' : '';
    steps.push(`tier ${tier.index} (after ${plural(tierCount, `qualifying ${countedNoun(rule.event)}`)}): ${rate}${suffix}`);
  }

  switch (rule.type) {
    case 'fixed': {
      const amount = safeAmount(rate);
      if (!tier) steps.push(`fixed ${amount}`);
      return limited(amount, steps);
    }
    case 'per_unit': {
      const amount = safeAmount(rate * facts.quantity);
      steps.push(`per_unit ${rate} x ${plural(facts.quantity, 'unit')} = ${amount}`);
      return limited(amount, steps);
    }
    case 'percent': {
      const sale = facts.amount ?? 0;
      const amount = percentOf(sale, rate);
      steps.push(`${formatBps(rate)} of ${sale} = ${amount}`);
      return limited(amount, steps);
    }
    default: {
      const unknownType: never = rule.type;
      steps.push(`unknown reward type ${String(unknownType)}`);
      return { amount: 0, steps };
    }
  }
}

/** round-half-up(amount * bps / 10000) in integer math; 0 for anything not a safe non-negative integer. */
export function percentOf(amount: number, bps: number): number {
  if (!isSafeNonNegativeInteger(amount) || !isSafeNonNegativeInteger(bps)) return 0;
  return safeAmount(Number((BigInt(amount) * BigInt(bps) + 5000n) / 10000n));
}

function limited(amount: number, steps: string[]): BaseAmount {
  if (amount <= MAX_AMOUNT) return { amount, steps };
  steps.push(`limited to ${MAX_AMOUNT}, the largest commission`);
  return { amount: MAX_AMOUNT, steps };
}

/** 2000 → "20%", 1250 → "12.5%", 333 → "3.33%". */
export function formatBps(bps: number): string {
  if (!isSafeNonNegativeInteger(bps)) return `${bps} bps`;
  const whole = Math.floor(bps / 100);
  const fraction = String(bps % 100).padStart(2, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}%` : `${whole}%`;
}

export function isSafeNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function safeAmount(value: number): number {
  // Above 2^53 a product is no longer exact, but it is far above MAX_AMOUNT, which it becomes.
  if (Number.isInteger(value) && value > Number.MAX_SAFE_INTEGER) return MAX_AMOUNT;
  // `|| 0` also turns -0 (e.g. 0 x -1) into 0.
  return isSafeNonNegativeInteger(value) ? value || 0 : 0;
}

/**
 * What a rule's tiers count: its own event's conversions that reached the amount stage (not skipped
 * by conditions, window, dates or the per-customer limit), so the explanation names them.
 */
function countedNoun(event: string): string {
  return event === 'sale' || event === 'lead' ? event : `${event} event`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
