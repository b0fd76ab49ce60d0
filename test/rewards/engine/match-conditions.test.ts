import { describe, expect, it } from 'vitest';
import { matchConditions } from '../../../src/rewards/engine';
import type { Condition, ConditionOp } from '../../../src/rewards/engine';

const facts = {
  amount: 10000,
  quantity: 3,
  metadata: {
    plan: 'business_standard',
    seats: 5,
    seatsText: '5',
    trial: false,
    coupon: null,
    tags: ['a', 'b'],
    company: { country: 'DE', size: { employees: 250 } },
  } as Record<string, unknown>,
};

function check(field: string, op: ConditionOp, value: unknown, f: Parameters<typeof matchConditions>[1] = facts): boolean {
  return matchConditions([{ field, op, value }], f).ok;
}

describe('matchConditions — single condition', () => {
  const cases: [string, ConditionOp, unknown, boolean][] = [
    // eq
    ['metadata.plan', 'eq', 'business_standard', true],
    ['metadata.plan', 'eq', 'business_plus', false],
    ['metadata.plan', 'eq', 'BUSINESS_STANDARD', false],
    ['metadata.seats', 'eq', 5, true],
    ['metadata.seats', 'eq', '5', false],
    ['metadata.seatsText', 'eq', 5, false],
    ['metadata.seatsText', 'eq', '5', true],
    ['metadata.trial', 'eq', false, true],
    ['metadata.trial', 'eq', 0, false],
    ['metadata.coupon', 'eq', null, true],
    ['metadata.coupon', 'eq', undefined, false],
    ['metadata.missing', 'eq', undefined, true],
    ['metadata.missing', 'eq', null, false],
    ['metadata.tags', 'eq', ['a', 'b'], false],
    ['amount', 'eq', 10000, true],
    ['amount', 'eq', '10000', false],
    ['quantity', 'eq', 3, true],
    ['metadata.company.country', 'eq', 'DE', true],
    ['metadata.company.size.employees', 'eq', 250, true],
    ['metadata.company.size.employees', 'eq', '250', false],
    // neq
    ['metadata.plan', 'neq', 'business_plus', true],
    ['metadata.plan', 'neq', 'business_standard', false],
    ['metadata.seats', 'neq', '5', true],
    ['metadata.seats', 'neq', 5, false],
    ['metadata.missing', 'neq', 'x', true],
    ['quantity', 'neq', 1, true],
    ['metadata.company.country', 'neq', 'FR', true],
    // in
    ['metadata.plan', 'in', ['business_starter', 'business_standard'], true],
    ['metadata.plan', 'in', ['business_plus'], false],
    ['metadata.plan', 'in', [], false],
    ['metadata.plan', 'in', 'business_standard', false],
    ['metadata.seats', 'in', [1, 5, 10], true],
    ['metadata.seats', 'in', ['5'], false],
    ['metadata.missing', 'in', ['x'], false],
    ['metadata.company.country', 'in', ['DE', 'AT', 'CH'], true],
    ['quantity', 'in', [1, 2], false],
    // gte
    ['amount', 'gte', 10000, true],
    ['amount', 'gte', 9999, true],
    ['amount', 'gte', 10001, false],
    ['quantity', 'gte', 3, true],
    ['quantity', 'gte', 4, false],
    ['metadata.seats', 'gte', 5, true],
    ['metadata.seatsText', 'gte', 1, false],
    ['metadata.seats', 'gte', '1', false],
    ['metadata.missing', 'gte', 0, false],
    ['metadata.coupon', 'gte', 0, false],
    ['metadata.trial', 'gte', 0, false],
    ['metadata.company.size.employees', 'gte', 100, true],
    ['metadata.seats', 'gte', Number.NaN, false],
    // lte
    ['amount', 'lte', 10000, true],
    ['amount', 'lte', 10001, true],
    ['amount', 'lte', 9999, false],
    ['quantity', 'lte', 3, true],
    ['quantity', 'lte', 2, false],
    ['metadata.seatsText', 'lte', 10, false],
    ['metadata.missing', 'lte', 10, false],
    ['metadata.company.size.employees', 'lte', 249, false],
    // unknown fields and paths
    ['plan', 'eq', 'business_standard', false],
    ['metadata', 'eq', facts.metadata, false],
    ['metadata.plan.length', 'eq', 17, false],
    ['metadata.company.size.employees.x', 'eq', undefined, true],
    ['metadata.constructor', 'eq', Object, false],
    ['metadata.toString', 'neq', undefined, false],
    ['metadata.tags.0', 'eq', 'a', true],
  ];
  it.each(cases)('%s %s %j → %s', (field, op, value, expected) => {
    expect(check(field, op, value)).toBe(expected);
  });
});

describe('matchConditions — lists', () => {
  it('passes with no conditions', () => {
    expect(matchConditions(undefined, facts)).toEqual({ ok: true });
    expect(matchConditions(null, facts)).toEqual({ ok: true });
    expect(matchConditions([], facts)).toEqual({ ok: true });
  });

  it('passes when all conditions hold', () => {
    const conditions: Condition[] = [
      { field: 'metadata.plan', op: 'eq', value: 'business_standard' },
      { field: 'amount', op: 'gte', value: 5000 },
      { field: 'quantity', op: 'lte', value: 10 },
    ];
    expect(matchConditions(conditions, facts)).toEqual({ ok: true });
  });

  it('returns the first failing condition', () => {
    const failing: Condition = { field: 'amount', op: 'gte', value: 20000 };
    const conditions: Condition[] = [
      { field: 'metadata.plan', op: 'eq', value: 'business_standard' },
      failing,
      { field: 'quantity', op: 'eq', value: 99 },
    ];
    expect(matchConditions(conditions, facts)).toEqual({ ok: false, failed: failing });
  });

  it('treats a missing sale amount as undefined', () => {
    const noAmount = { ...facts, amount: null };
    expect(check('amount', 'gte', 0, noAmount)).toBe(false);
    expect(check('amount', 'eq', null, noAmount)).toBe(false);
    expect(check('amount', 'eq', undefined, noAmount)).toBe(true);
  });

  it('does not walk into null or primitive metadata values', () => {
    expect(check('metadata.coupon.code', 'eq', undefined)).toBe(true);
    expect(check('metadata.coupon.code', 'neq', undefined)).toBe(false);
  });
});
