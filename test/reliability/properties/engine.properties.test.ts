import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateReward, periodKey, type ConversionFacts, type Period, type RewardOutcome, type RewardRule } from '../../../src/rewards/engine';
import { evaluateConversion, type CounterState } from '../../../src/rewards/evaluate-conversion';
import { runs } from './runs';

// Property tests of the pure reward engine. Each run folds a generated sequence of conversions
// through evaluateConversion with an in-memory counter store that applies the returned writes the
// way the data layer does (count += count, total += total), so caps, tiers and customer limits
// are exercised exactly as in production, just without a database.

const RUNS = runs(300);
const params = { numRuns: RUNS, verbose: 1 } as const;

const FROM = Date.UTC(2026, 0, 1);
const TO = Date.UTC(2027, 11, 31, 23, 59, 59, 999);

const period = fc.constantFrom<Period>('lifetime', 'year', 'month');
const occurredAt = fc.integer({ min: FROM, max: TO }).map((ms) => new Date(ms));

interface Conversion {
  partnerId: string;
  customerId: string;
  facts: ConversionFacts;
}

const conversion = (eventNames: readonly string[] = ['sale']): fc.Arbitrary<Conversion> =>
  fc.record({
    partnerId: fc.constantFrom('prt_a', 'prt_b'),
    customerId: fc.constantFrom('cus_1', 'cus_2', 'cus_3', 'cus_4'),
    eventName: fc.constantFrom(...eventNames),
    occurredAt,
    amount: fc.oneof(fc.integer({ min: 0, max: 2_000_000 }), fc.constant(null)),
    quantity: fc.integer({ min: 1, max: 50 }),
  }).map(({ partnerId, customerId, ...f }) => ({
    partnerId,
    customerId,
    facts: {
      eventName: f.eventName,
      occurredAt: f.occurredAt,
      amount: f.amount,
      quantity: f.quantity,
      metadata: {},
      // Attributed at the start of the range: no window is set, so this only has to be earlier.
      attributedAt: new Date(FROM),
      programHoldDays: 30,
    },
  }));

function baseRule(overrides: Partial<RewardRule>): RewardRule {
  return { id: 'rwd_1', event: 'sale', recipient: 'partner', type: 'fixed', amount: 100, unit: 'EUR', active: true, ...overrides };
}

/** Folds conversions through one rule, carrying counters forward like commitConversion does. */
function fold(rule: RewardRule, conversions: readonly Conversion[]) {
  const store = new Map<string, CounterState>();
  const results: { conversion: Conversion; outcome: RewardOutcome }[] = [];
  for (const c of conversions) {
    const { outcomes, writes } = evaluateConversion({
      rules: [rule],
      facts: c.facts,
      partnerId: c.partnerId,
      customerId: c.customerId,
      counters: (key) => store.get(key) ?? { count: 0, total: 0, version: null },
      now: new Date(TO),
    });
    for (const w of writes) {
      const prev = store.get(w.key) ?? { count: 0, total: 0, version: null };
      expect(w.expectedVersion).toBe(prev.version);
      store.set(w.key, { count: prev.count + w.count, total: prev.total + w.total, version: `${w.key}#${prev.count + w.count}` });
    }
    results.push({ conversion: c, outcome: outcomes[0]! });
  }
  return results;
}

const earnedAmount = (o: RewardOutcome) => (o.kind === 'earned' ? o.amount : 0);

function addTo(map: Map<string, number>, key: string, value: number) {
  map.set(key, (map.get(key) ?? 0) + value);
}

const ruleType = fc.constantFrom<RewardRule['type']>('fixed', 'percent', 'per_unit');

describe('reward engine properties', () => {
  it('per-partner caps: earned per cap period = min(cap, uncapped sum), never above the cap', () => {
    fc.assert(
      fc.property(
        ruleType,
        fc.integer({ min: 0, max: 5_000 }),
        fc.option(fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 5_000 }))),
        period,
        fc.record({ amount: fc.integer({ min: 0, max: 50_000 }), period }),
        fc.array(conversion(), { minLength: 1, maxLength: 60 }),
        (type, amount, tiers, tierPeriod, cap, conversions) => {
          const uncapped = baseRule({
            type,
            amount,
            tierPeriod,
            tiers: tiers ? [{ upTo: tiers[0], amount: tiers[1] }, { amount: tiers[2] }] : null,
          });
          const capped = { ...uncapped, caps: { perPartner: cap } };
          const uncappedRun = fold(uncapped, conversions);
          const cappedRun = fold(capped, conversions);

          const bucket = (c: Conversion) => `${c.partnerId}|${periodKey(cap.period, c.facts.occurredAt)}`;
          const earned = new Map<string, number>();
          const wanted = new Map<string, number>();
          for (const [i, { conversion: c, outcome }] of cappedRun.entries()) {
            addTo(earned, bucket(c), earnedAmount(outcome));
            addTo(wanted, bucket(c), earnedAmount(uncappedRun[i]!.outcome));
            // A cap only ever lowers what one conversion earns.
            expect(earnedAmount(outcome)).toBeLessThanOrEqual(earnedAmount(uncappedRun[i]!.outcome));
          }
          for (const [key, want] of wanted) {
            const got = earned.get(key) ?? 0;
            expect(got, key).toBeLessThanOrEqual(cap.amount);
            // Exactly the cap when the uncapped sum would pass it; otherwise nothing is lost.
            expect(got, key).toBe(Math.min(cap.amount, want));
          }
        },
      ),
      params,
    );
  });

  it('tiers [{upTo:k, amount:a},{amount:b}]: the n-th qualifying conversion of a tier period pays a for n ≤ k, b after', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        period,
        // 'signup' conversions do not match the rule and must not move the tier.
        fc.array(conversion(['sale', 'sale', 'signup']), { minLength: 0, maxLength: 60 }),
        (k, a, b, tierPeriod, conversions) => {
          const rule = baseRule({ type: 'fixed', amount: 999_999, tierPeriod, tiers: [{ upTo: k, amount: a }, { amount: b }] });
          const ordinals = new Map<string, number>();
          const totals = new Map<string, number>();
          for (const { conversion: c, outcome } of fold(rule, conversions)) {
            if (c.facts.eventName !== 'sale') {
              expect(outcome).toMatchObject({ kind: 'skipped', reason: 'event_mismatch' });
              continue;
            }
            const key = `${c.partnerId}|${periodKey(tierPeriod, c.facts.occurredAt)}`;
            const n = (ordinals.get(key) ?? 0) + 1;
            ordinals.set(key, n);
            const expected = n <= k ? a : b;
            expect(earnedAmount(outcome), `${key} #${n}`).toBe(expected);
            if (expected === 0) expect(outcome).toMatchObject({ kind: 'skipped', reason: 'zero_amount' });
            addTo(totals, key, earnedAmount(outcome));
          }
          for (const [key, n] of ordinals) {
            expect(totals.get(key), key).toBe(a * Math.min(n, k) + b * Math.max(0, n - k));
          }
        },
      ),
      params,
    );
  });

  // Hostile numbers the engine promises to survive (stored JSON is not re-validated on read).
  const anyNumber = fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 100_000 }) },
    { weight: 1, arbitrary: fc.integer({ min: -1_000, max: -1 }) },
    { weight: 1, arbitrary: fc.double({ noDefaultInfinity: false }) },
    { weight: 1, arbitrary: fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 1e300, Number.NaN, -0, 0.5) },
  );

  const anyRule: fc.Arbitrary<RewardRule> = fc.record({
    id: fc.constant('rwd_any'),
    event: fc.constantFrom('sale', 'lead', 'demo'),
    recipient: fc.constantFrom<RewardRule['recipient']>('partner', 'customer'),
    type: ruleType,
    amount: anyNumber,
    unit: fc.constantFrom('EUR', 'points'),
    tiers: fc.option(
      fc.array(fc.record({ upTo: fc.option(fc.integer({ min: 1, max: 20 })), amount: anyNumber }), { minLength: 1, maxLength: 4 }),
    ),
    tierPeriod: fc.option(period),
    conditions: fc.option(
      fc.array(
        fc.record({
          field: fc.constantFrom('amount', 'quantity', 'metadata.plan', 'metadata.a.b'),
          op: fc.constantFrom('eq', 'neq', 'in', 'gte', 'lte') as fc.Arbitrary<'eq' | 'neq' | 'in' | 'gte' | 'lte'>,
          value: fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.constantFrom('pro', 'free'), fc.array(fc.constantFrom('pro', 1, 5))),
        }),
        { maxLength: 3 },
      ),
    ),
    caps: fc.option(
      fc.record({
        perPartner: fc.option(fc.record({ amount: anyNumber, period })),
        perCustomer: fc.option(fc.record({ count: fc.integer({ min: 1, max: 5 }) })),
      }),
    ),
    windowDays: fc.option(fc.integer({ min: 0, max: 400 })),
    holdDays: fc.option(fc.integer({ min: 0, max: 60 })),
    startsAt: fc.option(occurredAt),
    endsAt: fc.option(occurredAt),
    active: fc.boolean(),
  });

  const anyFacts: fc.Arbitrary<ConversionFacts> = fc.record({
    eventName: fc.constantFrom('sale', 'lead', 'demo'),
    occurredAt,
    amount: fc.option(anyNumber),
    quantity: anyNumber,
    metadata: fc.oneof(fc.constant({}), fc.record({ plan: fc.constantFrom('pro', 'free', 5) }), fc.constant({ a: { b: 5 } })),
    attributedAt: occurredAt,
    programHoldDays: fc.integer({ min: 0, max: 60 }),
  });

  const counters = fc.record({
    tierCount: fc.nat({ max: 30 }),
    capTotal: fc.nat({ max: 200_000 }),
    customerCount: fc.nat({ max: 6 }),
  });

  it('outcomes are well-formed: safe positive integer amounts, non-empty explanations, skips carry no amount', () => {
    fc.assert(
      fc.property(anyRule, anyFacts, counters, (rule, facts, c) => {
        const outcome = evaluateReward({ rule, facts, counters: c, now: new Date(TO) });
        expect(outcome.rewardId).toBe(rule.id);
        expect(outcome.explanation.trim().length).toBeGreaterThan(0);
        for (const v of Object.values(outcome.increments)) {
          expect(Number.isSafeInteger(v) && v >= 0, `increment ${v}`).toBe(true);
        }
        if (outcome.kind === 'earned') {
          expect(Number.isSafeInteger(outcome.amount), `amount ${outcome.amount}`).toBe(true);
          expect(outcome.amount).toBeGreaterThan(0);
          expect(outcome.increments).toEqual({ tierCount: 1, capTotal: outcome.amount, customerCount: 1 });
          const cap = rule.caps?.perPartner;
          if (cap) expect(outcome.amount).toBeLessThanOrEqual(cap.amount - c.capTotal);
        } else {
          expect(outcome).not.toHaveProperty('amount');
          expect(outcome.increments.capTotal).toBe(0);
          expect(outcome.increments.customerCount).toBe(0);
        }
      }),
      { ...params, numRuns: runs(3_000) },
    );
  });

  it('outcomes stay well-formed when a sequence is folded through any rule', () => {
    fc.assert(
      fc.property(anyRule, fc.array(anyFacts, { maxLength: 30 }), (rule, factsList) => {
        const conversions = factsList.map((facts, i) => ({ partnerId: 'prt_a', customerId: `cus_${i % 3}`, facts }));
        for (const { outcome } of fold(rule, conversions)) {
          expect(outcome.explanation.trim().length).toBeGreaterThan(0);
          if (outcome.kind === 'earned') expect(Number.isSafeInteger(outcome.amount) && outcome.amount > 0).toBe(true);
          else expect(outcome).not.toHaveProperty('amount');
        }
      }),
      params,
    );
  });

  it('perCustomer {count:c}: a customer never earns more than c commissions from a rule', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        ruleType,
        fc.integer({ min: 0, max: 5_000 }),
        fc.option(fc.record({ amount: fc.integer({ min: 0, max: 20_000 }), period })),
        fc.array(conversion(), { maxLength: 60 }),
        (count, type, amount, perPartner, conversions) => {
          const rule = baseRule({ type, amount, caps: { perCustomer: { count }, perPartner } });
          const earnedBy = new Map<string, number>();
          const seen = new Map<string, number>();
          for (const { conversion: c, outcome } of fold(rule, conversions)) {
            const before = earnedBy.get(c.customerId) ?? 0;
            if (before >= count) expect(outcome).toMatchObject({ kind: 'skipped', reason: 'customer_limit_reached' });
            if (outcome.kind === 'earned') earnedBy.set(c.customerId, before + 1);
            addTo(seen, c.customerId, 1);
          }
          for (const [customer, n] of seen) {
            const got = earnedBy.get(customer) ?? 0;
            expect(got, customer).toBeLessThanOrEqual(count);
            // A positive fixed reward with no partner cap pays every conversion up to the limit.
            if (type === 'fixed' && amount > 0 && !perPartner) expect(got, customer).toBe(Math.min(n, count));
          }
        },
      ),
      params,
    );
  });
});
