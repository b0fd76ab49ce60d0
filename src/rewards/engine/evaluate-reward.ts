import { DAY_MS } from '../../lib/time';
import { computeBaseAmount } from './compute-base-amount';
import { describeValue } from './describe-value';
import { describeCondition, matchConditions, readField } from './match-conditions';
import { periodWord } from './period-key';
import type { CounterIncrements, EvaluateInput, RewardOutcome, SkipReason } from './types';

const NO_INCREMENTS: CounterIncrements = { tierCount: 0, capTotal: 0, customerCount: 0 };

/**
 * Decides what one rule pays for one conversion. Pure: counters and `now` come from the caller.
 * Checks run in a fixed order (event, active, start, end, conditions, window, customer limit,
 * tier/base amount, partner cap, zero) and the first failure is the skip reason.
 * The event's occurredAt, not `now`, decides dates, windows and periods.
 * A conversion that reaches the amount stage counts toward tiers even when capped or zero,
 * so tiers keep progressing; capTotal grows by the earned amount and customerCount by 1
 * only when earned.
 */
export function evaluateReward({ rule, facts, counters }: EvaluateInput): RewardOutcome {
  const skip = (
    reason: SkipReason,
    explanation: string,
    increments: CounterIncrements = NO_INCREMENTS,
  ): RewardOutcome => ({ kind: 'skipped', rewardId: rule.id, reason, explanation, increments: { ...increments } });

  const occurredMs = facts.occurredAt.getTime();

  if (facts.eventName !== rule.event) {
    return skip('event_mismatch', `event "${facts.eventName}" does not match rule event "${rule.event}"`);
  }
  if (!rule.active) return skip('inactive', 'rule is inactive');
  if (rule.startsAt && occurredMs < rule.startsAt.getTime()) {
    return skip('not_started', `occurred ${iso(facts.occurredAt)}, before the rule starts ${iso(rule.startsAt)}`);
  }
  if (rule.endsAt && occurredMs >= rule.endsAt.getTime()) {
    return skip('ended', `occurred ${iso(facts.occurredAt)}, after the rule ended ${iso(rule.endsAt)}`);
  }

  const conditions = matchConditions(rule.conditions, facts);
  if (!conditions.ok) {
    const actual = describeValue(readField(facts, conditions.failed.field));
    return skip('conditions_not_met', `condition ${describeCondition(conditions.failed)} not met (got ${actual})`);
  }

  // Nothing a customer did before a partner referred them earns that partner, window or not.
  const elapsedMs = occurredMs - facts.attributedAt.getTime();
  if (elapsedMs < 0) return skip('outside_window', 'occurred before the customer was attributed');
  if (rule.windowDays != null) {
    if (elapsedMs > rule.windowDays * DAY_MS) {
      return skip('outside_window', `occurred more than ${rule.windowDays} days after attribution`);
    }
  }

  const customerLimit = rule.caps?.perCustomer;
  if (customerLimit && counters.customerCount >= customerLimit.count) {
    return skip(
      'customer_limit_reached',
      `customer limit ${customerLimit.count} reached (${counters.customerCount} already earned)`,
    );
  }

  const counted: CounterIncrements = { tierCount: 1, capTotal: 0, customerCount: 0 };
  const base = computeBaseAmount(rule, facts, counters.tierCount);
  const steps = [...base.steps];
  let amount = base.amount;

  const cap = rule.caps?.perPartner;
  if (cap) {
    const remaining = cap.amount - counters.capTotal;
    const label = `${periodWord(cap.period)} cap ${cap.amount}`;
    if (!(remaining > 0)) return skip('cap_reached', [...steps, `${label} reached`].join('; '), counted);
    amount = Math.min(amount, remaining);
    steps.push(`${label}, ${remaining} left → ${amount}`);
  }

  // Guards a non-integer or NaN cap; the base amount is already safe.
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    return skip('zero_amount', [...steps, 'nothing to earn'].join('; '), counted);
  }

  const holdDays = rule.holdDays ?? facts.programHoldDays;
  return {
    kind: 'earned',
    rewardId: rule.id,
    recipient: rule.recipient,
    amount,
    unit: rule.unit,
    holdUntil: new Date(occurredMs + holdDays * DAY_MS),
    explanation: steps.join('; '),
    increments: { tierCount: 1, capTotal: amount, customerCount: 1 },
  };
}

function iso(date: Date): string {
  return Number.isNaN(date.getTime()) ? 'invalid date' : date.toISOString();
}
