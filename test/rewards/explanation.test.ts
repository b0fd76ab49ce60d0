import { describe, expect, it } from 'vitest';
import { evaluateReward } from '../../src/rewards/engine';
import type { ConversionFacts, RewardRule, RuleCounters } from '../../src/rewards/engine';
import { parseExplanation } from '../../src/rewards/parse-explanation';
import { partnerExplanation } from '../../src/rewards/partner-explanation';

const T0 = new Date('2026-03-01T12:00:00.000Z');

function earned(r: Partial<RewardRule>, f: Partial<ConversionFacts> = {}, c: Partial<RuleCounters> = {}) {
  const rule: RewardRule = { id: 'rw_1', event: 'sale', recipient: 'partner', type: 'fixed', amount: 500, unit: 'EUR', active: true, ...r };
  const facts: ConversionFacts = { eventName: 'sale', occurredAt: T0, quantity: 1, metadata: {}, attributedAt: T0, programHoldDays: 30, ...f };
  const o = evaluateReward({ rule, facts, counters: { tierCount: 0, capTotal: 0, customerCount: 0, ...c }, now: T0 });
  if (o.kind !== 'earned') throw new Error(`skipped: ${o.explanation}`);
  return { text: o.explanation, unit: o.unit };
}

const TIERS = [{ upTo: 5, amount: 1000 }, { amount: 2500 }];

// [rule, facts, counters, program currency, what the partner reads]
const CASES: [string, Partial<RewardRule>, Partial<ConversionFacts>, Partial<RuleCounters>, string, string][] = [
  ['fixed EUR', { amount: 5000 }, {}, {}, 'EUR', 'fixed €50.00'],
  ['fixed JPY', { amount: 5000, unit: 'JPY' }, {}, {}, 'JPY', 'fixed ¥5,000'],
  ['fixed KWD', { amount: 5000, unit: 'KWD' }, {}, {}, 'KWD', 'fixed KWD 5.000'],
  ['percent EUR', { type: 'percent', amount: 1000 }, { amount: 12000 }, {}, 'EUR', '10% of €120.00 = €12.00'],
  ['percent JPY', { type: 'percent', amount: 1250, unit: 'JPY' }, { amount: 12000 }, {}, 'JPY', '12.5% of ¥12,000 = ¥1,500'],
  ['percent KWD, rounded half up', { type: 'percent', amount: 1000, unit: 'KWD' }, { amount: 12345 }, {}, 'KWD', '10% of KWD 12.345 = KWD 1.235'],
  ['per unit', { type: 'per_unit', amount: 800 }, { quantity: 3 }, {}, 'EUR', '€8.00 per unit × 3 units = €24.00'],
  ['per unit, one', { type: 'per_unit', amount: 800, unit: 'JPY' }, { quantity: 1 }, {}, 'JPY', '¥800 per unit × 1 unit = ¥800'],
  ['tier 1', { amount: 0, tiers: TIERS }, {}, { tierCount: 0 }, 'EUR', 'tier 1 (after 0 qualifying sales): €10.00'],
  ['tier 2', { amount: 0, tiers: TIERS }, {}, { tierCount: 5 }, 'EUR', 'tier 2 (after 5 qualifying sales): €25.00'],
  ['tier 2 after 1', { amount: 0, tiers: [{ upTo: 1, amount: 1000 }, { amount: 2500 }] }, {}, { tierCount: 1 }, 'EUR', 'tier 2 (after 1 qualifying sale): €25.00'],
  ['percent tier', { type: 'percent', amount: 0, tiers: [{ upTo: 1, amount: 1000 }, { amount: 2000 }] }, { amount: 12000 }, { tierCount: 3 }, 'EUR', 'tier 2 (after 3 qualifying sales): 20%; 20% of €120.00 = €24.00'],
  ['lead tiers count leads', { event: 'lead', amount: 0, tiers: TIERS }, { eventName: 'lead' }, { tierCount: 5 }, 'EUR', 'tier 2 (after 5 qualifying leads): €25.00'],
  ['custom-event tiers name the event', { event: 'demo_requested', amount: 0, tiers: TIERS }, { eventName: 'demo_requested' }, { tierCount: 1 }, 'EUR', 'tier 1 (after 1 qualifying demo_requested event): €10.00'],
  ['per-unit tier', { type: 'per_unit', amount: 0, tiers: TIERS }, { quantity: 2 }, { tierCount: 6 }, 'EUR', 'tier 2 (after 6 qualifying sales): €25.00; €25.00 per unit × 2 units = €50.00'],
  ['capped, room left', { amount: 5000, caps: { perPartner: { amount: 50000, period: 'year' } } }, {}, { capTotal: 0 }, 'EUR', 'fixed €50.00; yearly cap €500.00, €500.00 left → €50.00'],
  ['capped, truncated', { amount: 5000, caps: { perPartner: { amount: 50000, period: 'month' } } }, {}, { capTotal: 49000 }, 'EUR', 'fixed €50.00; monthly cap €500.00, €10.00 left → €10.00'],
  ['non-cash, lifetime cap', { amount: 500, unit: 'MB', caps: { perPartner: { amount: 16000, period: 'lifetime' } } }, {}, { capTotal: 15800 }, 'EUR', 'fixed 500 MB; lifetime cap 16,000 MB, 200 MB left → 200 MB'],
  ['limited', { type: 'per_unit', amount: 1_000_000_000 }, { quantity: 5000 }, {}, 'USD', '$10,000,000.00 per unit × 5000 units = $50,000,000,000.00; limited to $10,000,000,000.00, the largest commission'],
];

describe('partnerExplanation — the engine’s explanations with money as money', () => {
  it.each(CASES)('%s', (_name, rule, facts, counters, currency, expected) => {
    const { text, unit } = earned({ unit: currency, ...rule }, facts, counters);
    expect(partnerExplanation(text, unit, currency)).toBe(expected);
  });

  it('reads every explanation the engine writes (no step left as unknown text)', () => {
    for (const [name, rule, facts, counters, currency] of CASES) {
      const { text } = earned({ unit: currency, ...rule }, facts, counters);
      expect(parseExplanation(text).filter((s) => s.step === 'text'), `${name}: ${text}`).toEqual([]);
    }
  });

  it('refund entries: sale amounts in the program currency, the share in the entry’s unit', () => {
    expect(partnerExplanation('refund 3000 of sale 12000 (refunded 3000 in all): reversal 300 of 1200', 'EUR', 'EUR')).toBe(
      'refund €30.00 of sale €120.00 (refunded €30.00 in all): reversal €3.00 of €12.00',
    );
    expect(partnerExplanation('refund 6000 of sale 12000 (refunded 12000 in all): adjustment after payout 250 of 500', 'MB', 'JPY')).toBe(
      'refund ¥6,000 of sale ¥12,000 (refunded ¥12,000 in all): adjustment after payout 250 MB of 500 MB',
    );
    expect(partnerExplanation('refund 1 of sale 12345 (refunded 12345 in all): reversal 1235 of 1235', 'KWD', 'KWD')).toBe(
      'refund KWD 0.001 of sale KWD 12.345 (refunded KWD 12.345 in all): reversal KWD 1.235 of KWD 1.235',
    );
  });

  it('entries written before tiers named what they count keep their words, amounts as money', () => {
    expect(partnerExplanation('tier 2 of 2 after 5 referrals: 2500', 'EUR', 'EUR')).toBe('tier 2 of 2 after 5 referrals: €25.00');
    expect(partnerExplanation('tier 1 of 3 after 1 referral: 2000 bps; 20% of 12000 = 2400', 'EUR', 'EUR')).toBe('tier 1 of 3 after 1 referral: 20%; 20% of €120.00 = €24.00');
    expect(parseExplanation('tier 2 of 2 after 5 referrals: 2500')).toEqual([{ step: 'tier', index: 2, of: 2, after: 5, counted: 'referrals', rate: 2500, bps: false }]);
    expect(parseExplanation('tier 2 (after 5 qualifying sales): 2500')).toEqual([{ step: 'tier', index: 2, of: null, after: 5, counted: 'qualifying sales', rate: 2500, bps: false }]);
  });

  it('text it does not know (an older or hand-written entry) is shown as written, known steps beside it still as money', () => {
    expect(partnerExplanation('manual correction', 'EUR', 'EUR')).toBe('manual correction');
    expect(partnerExplanation('goodwill; fixed 500', 'EUR', 'EUR')).toBe('goodwill; fixed €5.00');
    expect(partnerExplanation('', 'EUR', 'EUR')).toBe('');
  });
});
