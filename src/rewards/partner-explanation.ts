import { formatMoney } from '../lib/format-money';
import { formatBps } from './engine/compute-base-amount';
import { parseExplanation, type ExplanationStep } from './parse-explanation';

/**
 * A ledger entry's explanation as its partner reads it: the stored steps with every amount as
 * money ("10% of €120.00 = €12.00", "fixed ¥5,000", "yearly cap 500 MB, 100 MB left → 100 MB").
 * `unit` is the entry's; `currency` the program's, in which sales (percent rules, refunds) are
 * counted. Derived at display time from the stored text, so old and new rows read the same and the
 * append-only ledger is never rewritten; text it does not know is shown as written. Admins get the
 * same text as `explanationFormatted` (commissionJson, a skipped rule in a tracking answer).
 */
export function partnerExplanation(explanation: string, unit: string, currency: string): string {
  const money = (amount: number) => formatMoney(amount, unit);
  const sale = (amount: number) => formatMoney(amount, currency);
  return parseExplanation(explanation)
    .map((s) => renderStep(s, money, sale))
    .join('; ');
}

function renderStep(s: ExplanationStep, money: (n: number) => string, sale: (n: number) => string): string {
  switch (s.step) {
    case 'tier': {
      const rate = s.bps ? formatBps(s.rate) : money(s.rate);
      // An older entry keeps its own words: it does not say which event its tiers counted.
      return s.of === null ? `tier ${s.index} (after ${s.after} ${s.counted}): ${rate}` : `tier ${s.index} of ${s.of} after ${s.after} ${s.counted}: ${rate}`;
    }
    case 'fixed':
      return `fixed ${money(s.amount)}`;
    case 'per_unit':
      return `${money(s.rate)} per unit × ${plural(s.quantity, 'unit')} = ${money(s.amount)}`;
    case 'percent':
      return `${s.percent} of ${sale(s.sale)} = ${money(s.amount)}`;
    case 'cap':
      return `${s.period} cap ${money(s.cap)}, ${money(s.left)} left → ${money(s.amount)}`;
    case 'cap_reached':
      return `${s.period} cap ${money(s.cap)} reached`;
    case 'limited':
      return `limited to ${money(s.max)}, the largest commission`;
    case 'refund':
      return `refund ${sale(s.refund)} of sale ${sale(s.sale)} (refunded ${sale(s.refundedInAll)} in all): ${s.entry} ${money(s.share)} of ${money(s.of)}`;
    case 'text':
      return s.text;
    default: {
      const unknownStep: never = s;
      return String(unknownStep);
    }
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
