import { formatMinor, isCurrency, minorDigits } from './money';

// One formatter per unit, built on first use: Intl.NumberFormat is costly to construct.
const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(unit: string): Intl.NumberFormat {
  let nf = formatters.get(unit);
  if (!nf) {
    const digits = minorDigits(unit);
    nf = isCurrency(unit)
      ? new Intl.NumberFormat('en', { style: 'currency', currency: unit, minimumFractionDigits: digits, maximumFractionDigits: digits })
      : new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
    formatters.set(unit, nf);
  }
  return nf;
}

/**
 * Integer minor units as a person reads money, in the fixed locale `en` (the same text on Node and
 * Workers): 12000 EUR → "€120.00", 12000 JPY → "¥12,000", 1500 KWD → "KWD 1.500", and a non-cash
 * unit as a whole number with its name, 16000 MB → "16,000 MB", 1 points → "1 point" (unitName).
 * The digits per currency are ours (lib/money), not the runtime's, and the number goes in as an
 * exact decimal string, never a float. ICU's non-breaking spaces become plain ones, so the text
 * reads the same in HTML, JSON and CSV.
 */
export function formatMoney(amount: number, unit: string): string {
  const exact = formatMinor(amount, unit);
  // A decimal string is formatted exactly (Intl.NumberFormat v3); the lib types still say number.
  const text = formatterFor(unit).format(exact as unknown as number).replace(/[\u00a0\u202f]/g, ' ');
  return isCurrency(unit) ? text : `${text} ${unitName(amount, unit)}`;
}

/**
 * A non-cash unit's name after a whole number: an English plural word ("points", "credits",
 * "bonus-points", "Entries") is singular for 1 and -1 ("1 point", "-1 credit"); anything else — symbols
 * and abbreviations (MB, kWh, ms), words not plural in "s" (bonus, kudos) — is written as the program
 * named it. Only the unit's last word changes, and only when it is a lower-case word of 3+ letters.
 */
export function unitName(amount: number, unit: string): string {
  if (amount !== 1 && amount !== -1) return unit;
  const m = /^((?:[A-Za-z][a-z]*[_-])*)([A-Za-z][a-z]{2,})$/.exec(unit);
  const one = m ? singularOf(m[2]!) : null;
  return one ? m![1] + one : unit;
}

function singularOf(word: string): string | null {
  if (/[^aeiou]ies$/.test(word) && word.length > 4) return word.slice(0, -3) + 'y'; // entries, bounties
  if (/(?:ss|x|ch|sh|z)es$/.test(word)) return word.slice(0, -2); // passes, boxes, matches
  if (/(?:ss|us|is|as|os)$/.test(word)) return null; // pass, bonus, kudos: not plurals of a word in -s
  return word.endsWith('s') ? word.slice(0, -1) : null;
}
