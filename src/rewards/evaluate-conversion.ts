import { counterScopes, evaluateReward, type ConversionFacts, type RewardOutcome, type RewardRule } from './engine';

/** The counter rows one rule needs for one conversion (partner-scoped tier/cap, customer count). */
export function counterKeys(rule: RewardRule, facts: ConversionFacts, partnerId: string, customerId: string) {
  const scopes = counterScopes(rule, facts);
  return {
    tier: `${rule.id}|p:${partnerId}|tier|${scopes.tierPeriodKey}`,
    cap: scopes.capPeriodKey ? `${rule.id}|p:${partnerId}|cap|${scopes.capPeriodKey}` : null,
    customer: `${rule.id}|c:${customerId}`,
  };
}

export interface CounterState {
  count: number;
  total: number;
  version: string | null;
}

export interface CounterWrite {
  key: string;
  expectedVersion: string | null;
  count: number;
  total: number;
}

/**
 * Evaluates every rule for a conversion against the counters as read, and lists the counter
 * increments to write. Pure: the caller supplies counters and `now`.
 */
export function evaluateConversion(input: {
  rules: readonly RewardRule[];
  facts: ConversionFacts;
  partnerId: string;
  customerId: string;
  counters: (key: string) => CounterState;
  now: Date;
}): { outcomes: RewardOutcome[]; writes: CounterWrite[] } {
  const outcomes: RewardOutcome[] = [];
  const writes: CounterWrite[] = [];
  for (const rule of input.rules) {
    const keys = counterKeys(rule, input.facts, input.partnerId, input.customerId);
    const tier = input.counters(keys.tier);
    const cap = keys.cap ? input.counters(keys.cap) : null;
    const customer = input.counters(keys.customer);
    const outcome = evaluateReward({
      rule,
      facts: input.facts,
      counters: { tierCount: tier.count, capTotal: cap?.total ?? 0, customerCount: customer.count },
      now: input.now,
    });
    outcomes.push(outcome);
    const inc = outcome.increments;
    if (inc.tierCount > 0) writes.push({ key: keys.tier, expectedVersion: tier.version, count: inc.tierCount, total: 0 });
    if (keys.cap && cap && inc.capTotal > 0) writes.push({ key: keys.cap, expectedVersion: cap.version, count: 1, total: inc.capTotal });
    if (inc.customerCount > 0) writes.push({ key: keys.customer, expectedVersion: customer.version, count: inc.customerCount, total: 0 });
  }
  return { outcomes, writes: mergeWrites(writes) };
}

/** Two rules never share a key (keys start with the rule id), but keep the invariant explicit. */
function mergeWrites(writes: CounterWrite[]): CounterWrite[] {
  const byKey = new Map<string, CounterWrite>();
  for (const w of writes) {
    const prev = byKey.get(w.key);
    byKey.set(w.key, prev ? { ...prev, count: prev.count + w.count, total: prev.total + w.total } : w);
  }
  return [...byKey.values()];
}
