/**
 * The structured form of a ledger entry's stored `explanation`. The ledger is append-only and keeps
 * the text the reward engine (src/rewards/engine) and the refund (src/ledger/track-refund.ts) wrote,
 * with amounts as bare minor units ("20% of 12000 = 2400"); this reads that text back into steps so
 * a partner can be shown money as money. It reads every row ever written — the tier step has two
 * forms: "tier 2 (after 5 qualifying sales): 2500" since it names what the tiers count, "tier 2 of 2
 * after 5 referrals: 2500" before — and test/rewards/explanation.test.ts runs the engine to keep it so.
 * Amounts are integers in minor units: `sale` ones in the program currency, the rest in the entry's unit.
 */
export type ExplanationStep =
  /**
   * `counted` as written after the number ("qualifying sales", "qualifying demo_requested event");
   * `of` (the number of tiers) only in the older form, whose `counted` is "referral(s)" whatever the event
   */
  | { step: 'tier'; index: number; of: number | null; after: number; counted: string; rate: number; bps: boolean }
  | { step: 'fixed'; amount: number }
  | { step: 'per_unit'; rate: number; quantity: number; amount: number }
  /** `percent` as the engine wrote it ("20%", "12.5%") */
  | { step: 'percent'; percent: string; sale: number; amount: number }
  | { step: 'cap'; period: 'lifetime' | 'yearly' | 'monthly'; cap: number; left: number; amount: number }
  /** a skipped rule's last step (tracking answers only: no ledger row says it) */
  | { step: 'cap_reached'; period: 'lifetime' | 'yearly' | 'monthly'; cap: number }
  | { step: 'limited'; max: number }
  | { step: 'refund'; refund: number; sale: number; refundedInAll: number; entry: 'reversal' | 'adjustment after payout'; share: number; of: number }
  /** anything else, kept as written */
  | { step: 'text'; text: string };

const N = '(\\d{1,15})'; // at most 15 digits: every such number is exact as a JS number
const PATTERNS: [RegExp, (m: string[]) => ExplanationStep][] = [
  [
    new RegExp(`^tier ${N} \\(after ${N} (qualifying [a-z][a-z0-9_.:\\- ]{0,79})\\): ${N}( bps)?$`),
    (m) => ({ step: 'tier', index: +m[1]!, of: null, after: +m[2]!, counted: m[3]!, rate: +m[4]!, bps: m[5] !== undefined }),
  ],
  [
    new RegExp(`^tier ${N} of ${N} after ${N} (referrals?): ${N}( bps)?$`),
    (m) => ({ step: 'tier', index: +m[1]!, of: +m[2]!, after: +m[3]!, counted: m[4]!, rate: +m[5]!, bps: m[6] !== undefined }),
  ],
  [new RegExp(`^fixed ${N}$`), (m) => ({ step: 'fixed', amount: +m[1]! })],
  [new RegExp(`^per_unit ${N} x ${N} units? = ${N}$`), (m) => ({ step: 'per_unit', rate: +m[1]!, quantity: +m[2]!, amount: +m[3]! })],
  [new RegExp(`^(\\d{1,15}(?:\\.\\d{1,2})?%) of ${N} = ${N}$`), (m) => ({ step: 'percent', percent: m[1]!, sale: +m[2]!, amount: +m[3]! })],
  [new RegExp(`^(lifetime|yearly|monthly) cap ${N}, ${N} left → ${N}$`), (m) => ({ step: 'cap', period: m[1] as 'lifetime', cap: +m[2]!, left: +m[3]!, amount: +m[4]! })],
  [new RegExp(`^(lifetime|yearly|monthly) cap ${N} reached$`), (m) => ({ step: 'cap_reached', period: m[1] as 'lifetime', cap: +m[2]! })],
  [new RegExp(`^limited to ${N}, the largest commission$`), (m) => ({ step: 'limited', max: +m[1]! })],
  [
    new RegExp(`^refund ${N} of sale ${N} \\(refunded ${N} in all\\): (reversal|adjustment after payout) ${N} of ${N}$`),
    (m) => ({ step: 'refund', refund: +m[1]!, sale: +m[2]!, refundedInAll: +m[3]!, entry: m[4] as 'reversal', share: +m[5]!, of: +m[6]! }),
  ],
];

/** The steps of a stored explanation (the engine joins them with "; "); unknown text stays text. */
export function parseExplanation(text: string): ExplanationStep[] {
  return text.split('; ').map((part) => {
    for (const [pattern, build] of PATTERNS) {
      const m = pattern.exec(part);
      if (m) return build(m);
    }
    return { step: 'text', text: part };
  });
}
