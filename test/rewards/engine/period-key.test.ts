import { describe, expect, it } from 'vitest';
import { counterScopes, periodKey } from '../../../src/rewards/engine';
import type { ConversionFacts, Period, RewardRule } from '../../../src/rewards/engine';

describe('periodKey', () => {
  const cases: [Period, string, string][] = [
    ['lifetime', '2026-11-15T10:00:00.000Z', 'lifetime'],
    ['lifetime', '1999-01-01T00:00:00.000Z', 'lifetime'],
    ['year', '2026-11-15T10:00:00.000Z', 'y2026'],
    ['year', '2026-12-31T23:59:59.999Z', 'y2026'],
    ['year', '2027-01-01T00:00:00.000Z', 'y2027'],
    ['month', '2026-11-15T10:00:00.000Z', 'm2026-11'],
    ['month', '2026-12-31T23:59:59.999Z', 'm2026-12'],
    ['month', '2027-01-01T00:00:00.000Z', 'm2027-01'],
    ['month', '2026-02-28T23:59:59.999Z', 'm2026-02'],
    ['month', '2026-03-01T00:00:00.000Z', 'm2026-03'],
    // UTC, not local time: 23:30 on Jan 31 in UTC-1 is already Feb 1 in UTC.
    ['month', '2026-01-31T23:30:00.000-01:00', 'm2026-02'],
    ['year', '2026-12-31T23:30:00.000-01:00', 'y2027'],
    ['month', '2026-06-01T00:30:00.000+02:00', 'm2026-05'],
  ];
  it.each(cases)('%s at %s → %s', (period, at, expected) => {
    expect(periodKey(period, new Date(at))).toBe(expected);
  });
});

describe('counterScopes', () => {
  const rule: RewardRule = {
    id: 'r1',
    event: 'sale',
    recipient: 'partner',
    type: 'fixed',
    amount: 500,
    unit: 'EUR',
    active: true,
  };
  const facts: ConversionFacts = {
    eventName: 'sale',
    occurredAt: new Date('2026-11-15T10:00:00.000Z'),
    quantity: 1,
    metadata: {},
    attributedAt: new Date('2026-11-01T00:00:00.000Z'),
    programHoldDays: 30,
  };
  const cases: [string, Partial<RewardRule>, { tierPeriodKey: string; capPeriodKey: string | null }][] = [
    ['no tiers, no cap', {}, { tierPeriodKey: 'lifetime', capPeriodKey: null }],
    ['tierPeriod null defaults to lifetime', { tierPeriod: null }, { tierPeriodKey: 'lifetime', capPeriodKey: null }],
    ['monthly tiers', { tierPeriod: 'month' }, { tierPeriodKey: 'm2026-11', capPeriodKey: null }],
    ['yearly tiers', { tierPeriod: 'year' }, { tierPeriodKey: 'y2026', capPeriodKey: null }],
    [
      'yearly cap',
      { caps: { perPartner: { amount: 50000, period: 'year' } } },
      { tierPeriodKey: 'lifetime', capPeriodKey: 'y2026' },
    ],
    [
      'monthly cap with monthly tiers',
      { tierPeriod: 'month', caps: { perPartner: { amount: 1, period: 'month' } } },
      { tierPeriodKey: 'm2026-11', capPeriodKey: 'm2026-11' },
    ],
    [
      'lifetime cap',
      { caps: { perPartner: { amount: 16000, period: 'lifetime' } } },
      { tierPeriodKey: 'lifetime', capPeriodKey: 'lifetime' },
    ],
    ['customer cap only', { caps: { perCustomer: { count: 1 } } }, { tierPeriodKey: 'lifetime', capPeriodKey: null }],
    ['perPartner null', { caps: { perPartner: null } }, { tierPeriodKey: 'lifetime', capPeriodKey: null }],
  ];
  it.each(cases)('%s', (_name, overrides, expected) => {
    expect(counterScopes({ ...rule, ...overrides }, facts)).toEqual(expected);
  });

  it('uses occurredAt, not processing time, for the keys', () => {
    const late = { ...facts, occurredAt: new Date('2026-12-31T23:59:59.999Z') };
    const scoped: RewardRule = { ...rule, tierPeriod: 'year', caps: { perPartner: { amount: 1, period: 'month' } } };
    expect(counterScopes(scoped, late)).toEqual({ tierPeriodKey: 'y2026', capPeriodKey: 'm2026-12' });
  });
});
