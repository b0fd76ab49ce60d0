// Types of the pure reward engine. Amounts are integers in minor units; percent amounts are basis points.

export type Period = 'lifetime' | 'year' | 'month';

export type ConditionOp = 'eq' | 'neq' | 'in' | 'gte' | 'lte';

export interface Condition {
  field: string;
  op: ConditionOp;
  value: unknown;
}

export interface Tier {
  upTo?: number | null;
  amount: number;
}

export interface RewardRule {
  id: string;
  /** 'lead' | 'sale' | a custom event name such as 'demo_requested' */
  event: string;
  recipient: 'partner' | 'customer';
  type: 'fixed' | 'percent' | 'per_unit';
  /** minor units (fixed/per_unit) or basis points (percent) */
  amount: number;
  /** 'EUR' or a non-cash unit like 'MB', 'points' */
  unit: string;
  /** tier amounts replace `amount` (same meaning: minor units or bps) */
  tiers?: Tier[] | null;
  /** default 'lifetime' */
  tierPeriod?: Period | null;
  conditions?: Condition[] | null;
  caps?: {
    perPartner?: { amount: number; period: Period } | null;
    perCustomer?: { count: number } | null;
  } | null;
  /** the event must occur within N days after the customer's attribution */
  windowDays?: number | null;
  /** overrides the program hold */
  holdDays?: number | null;
  startsAt?: Date | null;
  endsAt?: Date | null;
  active: boolean;
}

export interface ConversionFacts {
  eventName: string;
  occurredAt: Date;
  /** sale amount in minor units (sales only) */
  amount?: number | null;
  /** default 1 */
  quantity: number;
  metadata: Record<string, unknown>;
  /** when the customer was attributed to the partner */
  attributedAt: Date;
  programHoldDays: number;
}

export interface CounterScopes {
  tierPeriodKey: string;
  capPeriodKey: string | null;
}

export interface RuleCounters {
  /** qualifying conversions already counted for this rule+partner in the tier period */
  tierCount: number;
  /** amount already earned for this rule+partner in the cap period (0 when no cap) */
  capTotal: number;
  /** commissions already earned by this rule for this customer (lifetime) */
  customerCount: number;
}

export interface EvaluateInput {
  rule: RewardRule;
  facts: ConversionFacts;
  counters: RuleCounters;
  now: Date;
}

export type SkipReason =
  | 'event_mismatch'
  | 'inactive'
  | 'not_started'
  | 'ended'
  | 'conditions_not_met'
  | 'outside_window'
  | 'customer_limit_reached'
  | 'cap_reached'
  | 'zero_amount';

export interface CounterIncrements {
  tierCount: number;
  capTotal: number;
  customerCount: number;
}

export type RewardOutcome =
  | {
      kind: 'earned';
      rewardId: string;
      recipient: 'partner' | 'customer';
      amount: number;
      unit: string;
      holdUntil: Date;
      explanation: string;
      increments: CounterIncrements;
    }
  | {
      kind: 'skipped';
      rewardId: string;
      reason: SkipReason;
      explanation: string;
      increments: CounterIncrements;
    };
