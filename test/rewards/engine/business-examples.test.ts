import { describe, expect, it } from 'vitest';
import { counterScopes, evaluateReward } from '../../../src/rewards/engine';
import type { ConversionFacts, RewardOutcome, RewardRule } from '../../../src/rewards/engine';

// End-to-end programs run through a tiny in-memory fold that feeds counters forward the way
// the conversions layer will: read counters for the scopes, evaluate, add the increments.

const DAY = 86_400_000;

interface Conversion {
  partnerId?: string;
  customerId: string;
  eventName: string;
  occurredAt: Date;
  attributedAt?: Date;
  amount?: number;
  quantity?: number;
  metadata?: Record<string, unknown>;
}

function createProgram(rules: RewardRule[], programHoldDays = 30) {
  const counts = new Map<string, number>();
  const read = (key: string) => counts.get(key) ?? 0;
  const add = (key: string, n: number) => counts.set(key, read(key) + n);

  return function convert(conversion: Conversion): RewardOutcome[] {
    const partnerId = conversion.partnerId ?? 'p1';
    const facts: ConversionFacts = {
      eventName: conversion.eventName,
      occurredAt: conversion.occurredAt,
      amount: conversion.amount ?? null,
      quantity: conversion.quantity ?? 1,
      metadata: conversion.metadata ?? {},
      attributedAt: conversion.attributedAt ?? conversion.occurredAt,
      programHoldDays,
    };
    return rules.map((rule) => {
      const scopes = counterScopes(rule, facts);
      const tierKey = `tier:${rule.id}:${partnerId}:${scopes.tierPeriodKey}`;
      const capKey = scopes.capPeriodKey && `cap:${rule.id}:${partnerId}:${scopes.capPeriodKey}`;
      const customerKey = `customer:${rule.id}:${conversion.customerId}`;
      const outcome = evaluateReward({
        rule,
        facts,
        counters: { tierCount: read(tierKey), capTotal: capKey ? read(capKey) : 0, customerCount: read(customerKey) },
        now: conversion.occurredAt,
      });
      add(tierKey, outcome.increments.tierCount);
      if (capKey) add(capKey, outcome.increments.capTotal);
      add(customerKey, outcome.increments.customerCount);
      return outcome;
    });
  };
}

function earned(outcomes: RewardOutcome[]): number {
  return outcomes.reduce((sum, o) => sum + (o.kind === 'earned' ? o.amount : 0), 0);
}
function results(outcomes: RewardOutcome[]): (number | string)[] {
  return outcomes.map((o) => (o.kind === 'earned' ? o.amount : o.reason));
}
function rule(overrides: Partial<RewardRule> & Pick<RewardRule, 'id' | 'event'>): RewardRule {
  return { recipient: 'partner', type: 'fixed', amount: 0, unit: 'EUR', active: true, ...overrides };
}
function at(iso: string): Date {
  return new Date(iso);
}

describe('business examples', () => {
  it('1. two-sided 500 + 500, once per customer', () => {
    const convert = createProgram([
      rule({ id: 'partner', event: 'sale', amount: 500, caps: { perCustomer: { count: 1 } } }),
      rule({ id: 'customer', event: 'sale', recipient: 'customer', amount: 500, caps: { perCustomer: { count: 1 } } }),
    ]);
    const first = convert({ customerId: 'c1', eventName: 'sale', occurredAt: at('2026-01-10T00:00:00Z'), amount: 9900 });
    expect(first.map((o) => o.kind === 'earned' && [o.recipient, o.amount, o.unit])).toEqual([
      ['partner', 500, 'EUR'],
      ['customer', 500, 'EUR'],
    ]);
    expect(earned(first)).toBe(1000);
    const second = convert({ customerId: 'c1', eventName: 'sale', occurredAt: at('2026-02-10T00:00:00Z'), amount: 9900 });
    expect(results(second)).toEqual(['customer_limit_reached', 'customer_limit_reached']);
    expect(earned(second)).toBe(0);
    expect(earned(convert({ customerId: 'c2', eventName: 'sale', occurredAt: at('2026-02-11T00:00:00Z') }))).toBe(1000);
  });

  it('2. tiers: 1000 for referrals 1..5, 2500 from the 6th', () => {
    const convert = createProgram([
      rule({ id: 'tiered', event: 'sale', tiers: [{ upTo: 5, amount: 1000 }, { amount: 2500 }], caps: { perCustomer: { count: 1 } } }),
    ]);
    const all = Array.from({ length: 7 }, (_, i) =>
      convert({ customerId: `c${i + 1}`, eventName: 'sale', occurredAt: new Date(Date.UTC(2026, 0, i + 1)) }),
    ).flat();
    expect(results(all)).toEqual([1000, 1000, 1000, 1000, 1000, 2500, 2500]);
    expect(earned(all)).toBe(10000);
    expect(all[5]?.explanation).toBe('tier 2 (after 5 qualifying sales): 2500');
    // A repeat sale by a paid customer neither pays nor advances the tier.
    const repeat = convert({ customerId: 'c1', eventName: 'sale', occurredAt: at('2026-02-01T00:00:00Z') });
    expect(results(repeat)).toEqual(['customer_limit_reached']);
    expect(repeat[0]?.increments.tierCount).toBe(0);
  });

  it('3. multi-step funnel: demo 1000, training 1000, sale 2500', () => {
    const once = { perCustomer: { count: 1 } };
    const convert = createProgram([
      rule({ id: 'demo', event: 'demo_requested', amount: 1000, caps: once }),
      rule({ id: 'training', event: 'training_booked', amount: 1000, caps: once }),
      rule({ id: 'sale', event: 'sale', amount: 2500, caps: once }),
    ]);
    const full = [
      convert({ customerId: 'a', eventName: 'demo_requested', occurredAt: at('2026-05-01T00:00:00Z') }),
      convert({ customerId: 'a', eventName: 'training_booked', occurredAt: at('2026-05-03T00:00:00Z') }),
      convert({ customerId: 'a', eventName: 'demo_requested', occurredAt: at('2026-05-04T00:00:00Z') }),
      convert({ customerId: 'a', eventName: 'sale', occurredAt: at('2026-05-09T00:00:00Z'), amount: 120000 }),
    ];
    expect(full.map(results)).toEqual([
      [1000, 'event_mismatch', 'event_mismatch'],
      ['event_mismatch', 1000, 'event_mismatch'],
      ['customer_limit_reached', 'event_mismatch', 'event_mismatch'],
      ['event_mismatch', 'event_mismatch', 2500],
    ]);
    expect(earned(full.flat())).toBe(4500);
    const stopped = convert({ customerId: 'b', eventName: 'demo_requested', occurredAt: at('2026-05-02T00:00:00Z') });
    expect(earned(stopped)).toBe(1000);
  });

  it('4. 5000 USD per lead, 50000 yearly cap', () => {
    const convert = createProgram([
      rule({ id: 'lead', event: 'lead', amount: 5000, unit: 'USD', caps: { perPartner: { amount: 50000, period: 'year' } } }),
    ]);
    const leads2026 = Array.from({ length: 12 }, (_, month) =>
      convert({ customerId: `c${month}`, eventName: 'lead', occurredAt: new Date(Date.UTC(2026, month, 15)) }),
    ).flat();
    expect(results(leads2026)).toEqual([5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 'cap_reached', 'cap_reached']);
    expect(earned(leads2026)).toBe(50000);
    expect(leads2026[10]?.explanation).toBe('fixed 5000; yearly cap 50000 reached');
    const lead2027 = convert({ customerId: 'new', eventName: 'lead', occurredAt: at('2027-01-01T00:00:00Z') });
    expect(results(lead2027)).toEqual([5000]);
    expect(lead2027[0]?.kind === 'earned' && lead2027[0].unit).toBe('USD');
    expect(lead2027[0]?.explanation).toBe('fixed 5000; yearly cap 50000, 50000 left → 5000');
  });

  it('5. 500 MB per referral, 16000 MB lifetime cap', () => {
    const convert = createProgram([
      rule({ id: 'mb', event: 'sale', amount: 500, unit: 'MB', caps: { perPartner: { amount: 16000, period: 'lifetime' } } }),
    ]);
    const all = Array.from({ length: 33 }, (_, i) =>
      convert({ customerId: `c${i}`, eventName: 'sale', occurredAt: new Date(Date.UTC(2026, 0, 1) + i * 7 * DAY) }),
    ).flat();
    expect(earned(all.slice(0, 32))).toBe(16000);
    expect(all.slice(0, 32).every((o) => o.kind === 'earned' && o.amount === 500 && o.unit === 'MB')).toBe(true);
    expect(results(all.slice(32))).toEqual(['cap_reached']);
    expect(earned(all)).toBe(16000);
  });

  it('6. per-seat by plan, each with a monthly cap', () => {
    const cap = { perPartner: { amount: 20000, period: 'month' as const } };
    const plan = (value: string) => [{ field: 'metadata.plan', op: 'eq' as const, value }];
    const convert = createProgram([
      rule({ id: 'starter', event: 'sale', type: 'per_unit', amount: 800, conditions: plan('business_starter'), caps: cap }),
      rule({ id: 'standard', event: 'sale', type: 'per_unit', amount: 1500, conditions: plan('business_standard'), caps: cap }),
      rule({ id: 'plus', event: 'sale', type: 'per_unit', amount: 2300, conditions: plan('business_plus'), caps: cap }),
    ]);
    const sale = (customerId: string, planName: string, seats: number, day: number) =>
      convert({ customerId, eventName: 'sale', occurredAt: new Date(Date.UTC(2026, 10, day)), quantity: seats, metadata: { plan: planName } });

    expect(results(sale('a', 'business_starter', 3, 1))).toEqual([2400, 'conditions_not_met', 'conditions_not_met']);
    expect(results(sale('b', 'business_standard', 5, 2))).toEqual(['conditions_not_met', 7500, 'conditions_not_met']);
    expect(results(sale('c', 'business_plus', 4, 3))).toEqual(['conditions_not_met', 'conditions_not_met', 9200]);
    const truncated = sale('d', 'business_plus', 6, 4);
    expect(results(truncated)).toEqual(['conditions_not_met', 'conditions_not_met', 10800]);
    expect(truncated[2]?.explanation).toBe('per_unit 2300 x 6 units = 13800; monthly cap 20000, 10800 left → 10800');
    expect(results(sale('e', 'business_plus', 1, 5))).toEqual(['conditions_not_met', 'conditions_not_met', 'cap_reached']);
    expect(results(sale('f', 'business_enterprise', 50, 6))).toEqual(['conditions_not_met', 'conditions_not_met', 'conditions_not_met']);
    // The other plans' caps are their own; a new month resets the plus cap.
    expect(results(sale('g', 'business_standard', 8, 7))).toEqual(['conditions_not_met', 12000, 'conditions_not_met']);
    expect(results(sale('h', 'business_standard', 1, 8))).toEqual(['conditions_not_met', 500, 'conditions_not_met']);
    expect(results(convert({ customerId: 'i', eventName: 'sale', occurredAt: at('2026-12-01T00:00:00Z'), quantity: 2, metadata: { plan: 'business_plus' } }))).toEqual([
      'conditions_not_met',
      'conditions_not_met',
      4600,
    ]);
  });

  it('7. 15-day window, 30-day hold', () => {
    const convert = createProgram([rule({ id: 'w', event: 'sale', amount: 2000, windowDays: 15, holdDays: 30 })], 60);
    const attributedAt = at('2026-04-01T08:30:00Z');
    const late = convert({ customerId: 'late', eventName: 'sale', attributedAt, occurredAt: new Date(attributedAt.getTime() + 16 * DAY) });
    expect(results(late)).toEqual(['outside_window']);
    const occurredAt = new Date(attributedAt.getTime() + 15 * DAY);
    const [onTime] = convert({ customerId: 'on-time', eventName: 'sale', attributedAt, occurredAt });
    expect(onTime?.kind).toBe('earned');
    expect(onTime?.kind === 'earned' && onTime.amount).toBe(2000);
    expect(onTime?.kind === 'earned' && onTime.holdUntil.getTime()).toBe(occurredAt.getTime() + 30 * DAY);
    expect(onTime?.kind === 'earned' && onTime.holdUntil.toISOString()).toBe('2026-05-16T08:30:00.000Z');
  });

  it('8. 20% recurring for 365 days', () => {
    const convert = createProgram([rule({ id: 'pct', event: 'sale', type: 'percent', amount: 2000, windowDays: 365 })]);
    const attributedAt = at('2026-01-15T00:00:00Z');
    const amounts = [4900, 4900, 4900, 9900, 9900, 9900, 9900, 333, 12345, 9900, 9900, 9900];
    const monthly = amounts.map((amount, month) =>
      convert({ customerId: 'c', eventName: 'sale', attributedAt, occurredAt: new Date(attributedAt.getTime() + month * 30 * DAY), amount }),
    ).flat();
    expect(results(monthly)).toEqual([980, 980, 980, 1980, 1980, 1980, 1980, 67, 2469, 1980, 1980, 1980]);
    expect(earned(monthly)).toBe(19336);
    expect(monthly[7]?.explanation).toBe('20% of 333 = 67');
    const lastDay = convert({ customerId: 'c', eventName: 'sale', attributedAt, occurredAt: new Date(attributedAt.getTime() + 365 * DAY), amount: 9900 });
    expect(results(lastDay)).toEqual([1980]);
    const tooLate = convert({ customerId: 'c', eventName: 'sale', attributedAt, occurredAt: new Date(attributedAt.getTime() + 366 * DAY), amount: 9900 });
    expect(results(tooLate)).toEqual(['outside_window']);
  });
});
