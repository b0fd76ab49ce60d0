import { describe, expect, it } from 'vitest';
import { evaluateReward } from '../../../src/rewards/engine';
import type { ConversionFacts, RewardOutcome, RewardRule, RuleCounters } from '../../../src/rewards/engine';

const DAY = 86_400_000;
const T0 = new Date('2026-03-01T12:00:00.000Z');
const NOW = new Date('2030-01-01T00:00:00.000Z');

function rule(overrides: Partial<RewardRule> = {}): RewardRule {
  return { id: 'rw_1', event: 'sale', recipient: 'partner', type: 'fixed', amount: 500, unit: 'EUR', active: true, ...overrides };
}
function facts(overrides: Partial<ConversionFacts> = {}): ConversionFacts {
  return { eventName: 'sale', occurredAt: T0, quantity: 1, metadata: {}, attributedAt: new Date(T0.getTime() - DAY), programHoldDays: 30, ...overrides };
}
function run(r: Partial<RewardRule>, f: Partial<ConversionFacts> = {}, c: Partial<RuleCounters> = {}): RewardOutcome {
  const counters = { tierCount: 0, capTotal: 0, customerCount: 0, ...c };
  return evaluateReward({ rule: rule(r), facts: facts(f), counters, now: NOW });
}
function summary(o: RewardOutcome): string | number {
  return o.kind === 'earned' ? o.amount : o.reason;
}

describe('evaluateReward — eligibility', () => {
  const cases: [string, Partial<RewardRule>, Partial<ConversionFacts>, Partial<RuleCounters>, string | number][] = [
    ['matching event earns', {}, {}, {}, 500],
    ['other event', {}, { eventName: 'lead' }, {}, 'event_mismatch'],
    ['event names are case-sensitive', {}, { eventName: 'Sale' }, {}, 'event_mismatch'],
    ['custom event', { event: 'demo_requested' }, { eventName: 'demo_requested' }, {}, 500],
    ['inactive', { active: false }, {}, {}, 'inactive'],
    ['event mismatch wins over inactive', { active: false }, { eventName: 'lead' }, {}, 'event_mismatch'],
    ['before startsAt', { startsAt: new Date(T0.getTime() + 1) }, {}, {}, 'not_started'],
    ['exactly at startsAt', { startsAt: T0 }, {}, {}, 500],
    ['after startsAt', { startsAt: new Date(T0.getTime() - 1) }, {}, {}, 500],
    ['null startsAt', { startsAt: null }, {}, {}, 500],
    ['exactly at endsAt', { endsAt: T0 }, {}, {}, 'ended'],
    ['1 ms before endsAt', { endsAt: new Date(T0.getTime() + 1) }, {}, {}, 500],
    ['after endsAt', { endsAt: new Date(T0.getTime() - DAY) }, {}, {}, 'ended'],
    ['null endsAt', { endsAt: null }, {}, {}, 500],
    ['inactive wins over not started', { active: false, startsAt: new Date(T0.getTime() + DAY) }, {}, {}, 'inactive'],
    ['conditions met', { conditions: [{ field: 'metadata.plan', op: 'eq', value: 'pro' }] }, { metadata: { plan: 'pro' } }, {}, 500],
    ['conditions not met', { conditions: [{ field: 'metadata.plan', op: 'eq', value: 'pro' }] }, { metadata: { plan: 'free' } }, {}, 'conditions_not_met'],
    ['ended wins over conditions', { endsAt: T0, conditions: [{ field: 'quantity', op: 'gte', value: 9 }] }, {}, {}, 'ended'],
    ['window: 1 day after, 15-day window', { windowDays: 15 }, {}, {}, 500],
    ['window: exactly 15 days is inside', { windowDays: 15 }, { attributedAt: new Date(T0.getTime() - 15 * DAY) }, {}, 500],
    ['window: 15 days + 1 ms is outside', { windowDays: 15 }, { attributedAt: new Date(T0.getTime() - 15 * DAY - 1) }, {}, 'outside_window'],
    ['window: same instant as attribution', { windowDays: 15 }, { attributedAt: T0 }, {}, 500],
    ['window: before attribution', { windowDays: 15 }, { attributedAt: new Date(T0.getTime() + 1) }, {}, 'outside_window'],
    ['window: 0 days allows the same instant', { windowDays: 0 }, { attributedAt: T0 }, {}, 500],
    ['window: 0 days rejects 1 ms later', { windowDays: 0 }, { attributedAt: new Date(T0.getTime() - 1) }, {}, 'outside_window'],
    ['no window: years later still earns', { windowDays: null }, { attributedAt: new Date('2020-01-01T00:00:00.000Z') }, {}, 500],
    ['no window: before attribution is outside_window', {}, { attributedAt: new Date(T0.getTime() + DAY) }, {}, 'outside_window'],
    ['conditions win over window', { windowDays: 1, conditions: [{ field: 'quantity', op: 'eq', value: 2 }] }, { attributedAt: new Date(0) }, {}, 'conditions_not_met'],
    ['customer limit not reached', { caps: { perCustomer: { count: 2 } } }, {}, { customerCount: 1 }, 500],
    ['customer limit reached', { caps: { perCustomer: { count: 2 } } }, {}, { customerCount: 2 }, 'customer_limit_reached'],
    ['customer limit exceeded', { caps: { perCustomer: { count: 1 } } }, {}, { customerCount: 5 }, 'customer_limit_reached'],
    ['window wins over customer limit', { windowDays: 1, caps: { perCustomer: { count: 1 } } }, { attributedAt: new Date(0) }, { customerCount: 1 }, 'outside_window'],
    ['customer limit wins over cap', { caps: { perCustomer: { count: 1 }, perPartner: { amount: 100, period: 'year' } } }, {}, { customerCount: 1, capTotal: 100 }, 'customer_limit_reached'],
    ['zero fixed amount', { amount: 0 }, {}, {}, 'zero_amount'],
    ['per_unit with zero quantity', { type: 'per_unit', amount: 800 }, { quantity: 0 }, {}, 'zero_amount'],
  ];
  it.each(cases)('%s', (_name, r, f, c, expected) => {
    expect(summary(run(r, f, c))).toBe(expected);
  });

  it('uses occurredAt, not now, for dates', () => {
    const o = evaluateReward({
      rule: rule({ endsAt: new Date('2026-04-01T00:00:00.000Z') }),
      facts: facts(),
      counters: { tierCount: 0, capTotal: 0, customerCount: 0 },
      now: new Date('2027-01-01T00:00:00.000Z'),
    });
    expect(summary(o)).toBe(500);
  });

  it('names the failed condition in the explanation', () => {
    const o = run({ conditions: [{ field: 'metadata.plan', op: 'in', value: ['pro', 'team'] }] }, { metadata: { plan: 'free' } });
    expect(o).toEqual({
      kind: 'skipped',
      rewardId: 'rw_1',
      reason: 'conditions_not_met',
      explanation: 'condition metadata.plan in ["pro","team"] not met (got "free")',
      increments: { tierCount: 0, capTotal: 0, customerCount: 0 },
    });
  });

  const earlySkips: [string, Partial<RewardRule>, Partial<ConversionFacts>, Partial<RuleCounters>][] = [
    ['event_mismatch', {}, { eventName: 'lead' }, {}],
    ['inactive', { active: false }, {}, {}],
    ['not_started', { startsAt: new Date(T0.getTime() + 1) }, {}, {}],
    ['ended', { endsAt: T0 }, {}, {}],
    ['conditions_not_met', { conditions: [{ field: 'quantity', op: 'gte', value: 2 }] }, {}, {}],
    ['outside_window', { windowDays: 0 }, {}, {}],
    ['customer_limit_reached', { caps: { perCustomer: { count: 1 } } }, {}, { customerCount: 1 }],
  ];
  it.each(earlySkips)('%s skips increment nothing', (reason, r, f, c) => {
    const o = run(r, f, c);
    expect(o.kind === 'skipped' && o.reason).toBe(reason);
    expect(o.increments).toEqual({ tierCount: 0, capTotal: 0, customerCount: 0 });
    expect(o.explanation.length).toBeGreaterThan(0);
  });
});

describe('evaluateReward — amounts', () => {
  const cases: [string, Partial<RewardRule>, Partial<ConversionFacts>, Partial<RuleCounters>, string | number, string][] = [
    ['fixed', {}, {}, {}, 500, 'fixed 500'],
    ['per_unit × 3', { type: 'per_unit', amount: 800 }, { quantity: 3 }, {}, 2400, 'per_unit 800 x 3 units = 2400'],
    ['per_unit × 1', { type: 'per_unit', amount: 800 }, { quantity: 1 }, {}, 800, 'per_unit 800 x 1 unit = 800'],
    ['per_unit fractional product → 0', { type: 'per_unit', amount: 801 }, { quantity: 1.5 }, {}, 'zero_amount', 'per_unit 801 x 1.5 units = 0; nothing to earn'],
    ['per_unit fractional quantity, whole product', { type: 'per_unit', amount: 800 }, { quantity: 1.5 }, {}, 1200, 'per_unit 800 x 1.5 units = 1200'],
    ['per_unit negative quantity → 0', { type: 'per_unit', amount: 800 }, { quantity: -2 }, {}, 'zero_amount', 'per_unit 800 x -2 units = 0; nothing to earn'],
    ['per_unit NaN quantity → 0', { type: 'per_unit', amount: 800 }, { quantity: Number.NaN }, {}, 'zero_amount', 'per_unit 800 x NaN units = 0; nothing to earn'],
    ['per_unit beyond 2^53 → the largest commission', { type: 'per_unit', amount: 2 ** 40 }, { quantity: 2 ** 20 }, {}, 1_000_000_000_000, `per_unit ${2 ** 40} x ${2 ** 20} units = 1000000000000`],
    ['per_unit above 10^12 → limited', { type: 'per_unit', amount: 1_000_000_000_000 }, { quantity: 9000 }, {}, 1_000_000_000_000, 'per_unit 1000000000000 x 9000 units = 9000000000000000; limited to 1000000000000, the largest commission'],
    ['percent above 10^12 → limited', { type: 'percent', amount: 100000 }, { amount: 1_000_000_000_000 }, {}, 1_000_000_000_000, '1000% of 1000000000000 = 10000000000000; limited to 1000000000000, the largest commission'],
    ['fixed of exactly 10^12', { amount: 1_000_000_000_000 }, {}, {}, 1_000_000_000_000, 'fixed 1000000000000'],
    ['percent 20% of 10000', { type: 'percent', amount: 2000 }, { amount: 10000 }, {}, 2000, '20% of 10000 = 2000'],
    ['percent 20% of 333 rounds 66.6 up', { type: 'percent', amount: 2000 }, { amount: 333 }, {}, 67, '20% of 333 = 67'],
    ['percent 20% of 332 rounds 66.4 down', { type: 'percent', amount: 2000 }, { amount: 332 }, {}, 66, '20% of 332 = 66'],
    ['percent 10% of 5 rounds 0.5 up', { type: 'percent', amount: 1000 }, { amount: 5 }, {}, 1, '10% of 5 = 1'],
    ['percent 10% of 4 → 0', { type: 'percent', amount: 1000 }, { amount: 4 }, {}, 'zero_amount', '10% of 4 = 0; nothing to earn'],
    ['percent 12.5% of 1 cent → 0', { type: 'percent', amount: 1250 }, { amount: 1 }, {}, 'zero_amount', '12.5% of 1 = 0; nothing to earn'],
    ['percent 12.5% of 4 = 0.5 → 1', { type: 'percent', amount: 1250 }, { amount: 4 }, {}, 1, '12.5% of 4 = 1'],
    ['percent 3.33% of 10000', { type: 'percent', amount: 333 }, { amount: 10000 }, {}, 333, '3.33% of 10000 = 333'],
    ['percent 0.05% of 10000', { type: 'percent', amount: 5 }, { amount: 10000 }, {}, 5, '0.05% of 10000 = 5'],
    ['percent 100% of 12345', { type: 'percent', amount: 10000 }, { amount: 12345 }, {}, 12345, '100% of 12345 = 12345'],
    ['percent of a huge sale stays exact', { type: 'percent', amount: 1 }, { amount: Number.MAX_SAFE_INTEGER }, {}, 900719925474, `0.01% of ${Number.MAX_SAFE_INTEGER} = 900719925474`],
    ['percent with missing sale amount', { type: 'percent', amount: 2000 }, { amount: null }, {}, 'zero_amount', '20% of 0 = 0; nothing to earn'],
    ['percent with undefined sale amount', { type: 'percent', amount: 2000 }, { amount: undefined }, {}, 'zero_amount', '20% of 0 = 0; nothing to earn'],
    ['percent of a negative amount → 0', { type: 'percent', amount: 2000 }, { amount: -1000 }, {}, 'zero_amount', '20% of -1000 = 0; nothing to earn'],
    ['percent of a fractional amount → 0', { type: 'percent', amount: 2000 }, { amount: 10.5 }, {}, 'zero_amount', '20% of 10.5 = 0; nothing to earn'],
    ['fractional bps → 0', { type: 'percent', amount: 12.5 }, { amount: 10000 }, {}, 'zero_amount', '12.5 bps of 10000 = 0; nothing to earn'],
    ['fractional fixed → 0', { amount: 0.5 }, {}, {}, 'zero_amount', 'fixed 0; nothing to earn'],
    ['negative fixed → 0', { amount: -500 }, {}, {}, 'zero_amount', 'fixed 0; nothing to earn'],
    ['NaN fixed → 0', { amount: Number.NaN }, {}, {}, 'zero_amount', 'fixed 0; nothing to earn'],
  ];
  it.each(cases)('%s', (_name, r, f, c, expected, explanation) => {
    const o = run(r, f, c);
    expect(summary(o)).toBe(expected);
    expect(o.explanation).toBe(explanation);
  });
});

describe('evaluateReward — tiers', () => {
  const tiers = [{ upTo: 5, amount: 1000 }, { amount: 2500 }];
  const bounded = [{ upTo: 2, amount: 100 }, { upTo: 4, amount: 200 }, { upTo: 6, amount: 300 }];
  const cases: [string, Partial<RewardRule>, Partial<ConversionFacts>, number, number, string][] = [
    ['1st referral', { tiers }, {}, 0, 1000, 'tier 1 (after 0 qualifying sales): 1000'],
    ['2nd referral', { tiers }, {}, 1, 1000, 'tier 1 (after 1 qualifying sale): 1000'],
    ['5th referral is the last of tier 1', { tiers }, {}, 4, 1000, 'tier 1 (after 4 qualifying sales): 1000'],
    ['6th referral starts tier 2', { tiers }, {}, 5, 2500, 'tier 2 (after 5 qualifying sales): 2500'],
    ['100th referral', { tiers }, {}, 99, 2500, 'tier 2 (after 99 qualifying sales): 2500'],
    ['tiers replace amount', { tiers, amount: 99999 }, {}, 0, 1000, 'tier 1 (after 0 qualifying sales): 1000'],
    ['bounded 2nd', { tiers: bounded }, {}, 1, 100, 'tier 1 (after 1 qualifying sale): 100'],
    ['bounded 3rd', { tiers: bounded }, {}, 2, 200, 'tier 2 (after 2 qualifying sales): 200'],
    ['bounded 6th', { tiers: bounded }, {}, 5, 300, 'tier 3 (after 5 qualifying sales): 300'],
    ['past the last bounded tier keeps the last', { tiers: bounded }, {}, 10, 300, 'tier 3 (after 10 qualifying sales): 300'],
    ['lead tiers count leads', { event: 'lead', tiers }, { eventName: 'lead' }, 5, 2500, 'tier 2 (after 5 qualifying leads): 2500'],
    ['one lead', { event: 'lead', tiers }, { eventName: 'lead' }, 1, 1000, 'tier 1 (after 1 qualifying lead): 1000'],
    ['custom-event tiers name the event', { event: 'demo_requested', tiers }, { eventName: 'demo_requested' }, 7, 2500, 'tier 2 (after 7 qualifying demo_requested events): 2500'],
    ['empty tiers fall back to amount', { tiers: [] }, {}, 7, 500, 'fixed 500'],
    ['null upTo is unbounded', { tiers: [{ upTo: 1, amount: 10 }, { upTo: null, amount: 20 }] }, {}, 3, 20, 'tier 2 (after 3 qualifying sales): 20'],
    [
      'per_unit tiers',
      { type: 'per_unit', tiers: [{ upTo: 1, amount: 800 }, { amount: 1000 }] },
      { quantity: 3 },
      1,
      3000,
      'tier 2 (after 1 qualifying sale): 1000; per_unit 1000 x 3 units = 3000',
    ],
    [
      'percent tiers',
      { type: 'percent', tiers: [{ upTo: 10, amount: 1000 }, { amount: 2000 }] },
      { amount: 10000 },
      10,
      2000,
      'tier 2 (after 10 qualifying sales): 2000 bps; 20% of 10000 = 2000',
    ],
  ];
  it.each(cases)('%s', (_name, r, f, tierCount, amount, explanation) => {
    const o = run(r, f, { tierCount });
    expect(summary(o)).toBe(amount);
    expect(o.explanation).toBe(explanation);
  });
});

describe('evaluateReward — partner caps', () => {
  const yearly = { perPartner: { amount: 50000, period: 'year' as const } };
  const cases: [string, Partial<RewardRule>, number, string | number, string, number][] = [
    ['far from the cap', { amount: 5000, caps: yearly }, 0, 5000, 'fixed 5000; yearly cap 50000, 50000 left → 5000', 0],
    ['exactly fills the cap', { amount: 5000, caps: yearly }, 45000, 5000, 'fixed 5000; yearly cap 50000, 5000 left → 5000', 0],
    ['truncated by the cap', { amount: 5000, caps: yearly }, 49000, 1000, 'fixed 5000; yearly cap 50000, 1000 left → 1000', 0],
    ['cap reached', { amount: 5000, caps: yearly }, 50000, 'cap_reached', 'fixed 5000; yearly cap 50000 reached', 0],
    ['cap overshot', { amount: 5000, caps: yearly }, 60000, 'cap_reached', 'fixed 5000; yearly cap 50000 reached', 0],
    ['monthly word', { caps: { perPartner: { amount: 700, period: 'month' } } }, 300, 400, 'fixed 500; monthly cap 700, 400 left → 400', 0],
    ['lifetime word', { caps: { perPartner: { amount: 16000, period: 'lifetime' } } }, 16000, 'cap_reached', 'fixed 500; lifetime cap 16000 reached', 0],
    ['zero cap', { caps: { perPartner: { amount: 0, period: 'year' } } }, 0, 'cap_reached', 'fixed 500; yearly cap 0 reached', 0],
    ['zero base under a cap', { amount: 0, caps: yearly }, 0, 'zero_amount', 'fixed 0; yearly cap 50000, 50000 left → 0; nothing to earn', 0],
    ['fractional cap left → zero', { caps: { perPartner: { amount: 0.5, period: 'year' } } }, 0, 'zero_amount', 'fixed 500; yearly cap 0.5, 0.5 left → 0.5; nothing to earn', 0],
    [
      'tier then cap',
      { tiers: [{ upTo: 5, amount: 1000 }, { amount: 2500 }], caps: yearly },
      49000,
      1000,
      'tier 2 (after 5 qualifying sales): 2500; yearly cap 50000, 1000 left → 1000',
      5,
    ],
  ];
  it.each(cases)('%s', (_name, r, capTotal, expected, explanation, tierCount) => {
    const o = run(r, {}, { capTotal, tierCount });
    expect(summary(o)).toBe(expected);
    expect(o.explanation).toBe(explanation);
  });

  it('cap_reached still counts toward tiers', () => {
    const o = run({ amount: 5000, caps: yearly }, {}, { capTotal: 50000 });
    expect(o.increments).toEqual({ tierCount: 1, capTotal: 0, customerCount: 0 });
  });

  it('zero_amount still counts toward tiers', () => {
    const o = run({ type: 'percent', amount: 1250 }, { amount: 1 });
    expect(o.increments).toEqual({ tierCount: 1, capTotal: 0, customerCount: 0 });
  });
});

describe('evaluateReward — earned outcome', () => {
  it('returns the full earned shape', () => {
    const o = run({ recipient: 'customer', unit: 'MB', amount: 500 });
    expect(o).toEqual({
      kind: 'earned',
      rewardId: 'rw_1',
      recipient: 'customer',
      amount: 500,
      unit: 'MB',
      holdUntil: new Date(T0.getTime() + 30 * DAY),
      explanation: 'fixed 500',
      increments: { tierCount: 1, capTotal: 500, customerCount: 1 },
    });
  });

  const holds: [string, number | null | undefined, number, string][] = [
    ['program hold', undefined, 30, '2026-03-31T12:00:00.000Z'],
    ['null rule hold falls back to program', null, 14, '2026-03-15T12:00:00.000Z'],
    ['rule hold overrides program', 7, 30, '2026-03-08T12:00:00.000Z'],
    ['rule hold 0 overrides program', 0, 30, '2026-03-01T12:00:00.000Z'],
  ];
  it.each(holds)('%s', (_name, holdDays, programHoldDays, expected) => {
    const o = run({ holdDays }, { programHoldDays });
    expect(o.kind === 'earned' && o.holdUntil.toISOString()).toBe(expected);
  });

  it('holds from occurredAt, not now', () => {
    const o = evaluateReward({
      rule: rule({ holdDays: 1 }),
      facts: facts(),
      counters: { tierCount: 0, capTotal: 0, customerCount: 0 },
      now: new Date('2026-06-01T00:00:00.000Z'),
    });
    expect(o.kind === 'earned' && o.holdUntil.toISOString()).toBe('2026-03-02T12:00:00.000Z');
  });
});
