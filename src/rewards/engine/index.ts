export { counterScopes } from './counter-scopes';
export { evaluateReward } from './evaluate-reward';
export { matchConditions } from './match-conditions';
export type { ConditionsResult } from './match-conditions';
export { periodKey } from './period-key';
export type {
  Condition,
  ConditionOp,
  ConversionFacts,
  CounterIncrements,
  CounterScopes,
  EvaluateInput,
  Period,
  RewardOutcome,
  RewardRule,
  RuleCounters,
  SkipReason,
  Tier,
} from './types';
