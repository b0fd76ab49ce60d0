import { periodKey } from './period-key';
import type { ConversionFacts, CounterScopes, RewardRule } from './types';

/**
 * The period keys whose counters the caller must read before calling evaluateReward.
 * Keys come from the event's occurredAt (not the processing time), so late events land
 * in the period they happened in. capPeriodKey is null when the rule has no partner cap.
 */
export function counterScopes(rule: RewardRule, facts: ConversionFacts): CounterScopes {
  const cap = rule.caps?.perPartner;
  return {
    tierPeriodKey: periodKey(rule.tierPeriod ?? 'lifetime', facts.occurredAt),
    capPeriodKey: cap ? periodKey(cap.period, facts.occurredAt) : null,
  };
}
