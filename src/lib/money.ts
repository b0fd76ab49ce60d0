import { ConflictError } from './errors';

/** Active ISO 4217 codes (2024 list) with their minor-unit digits where not 2. */
const CODES =
  'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD ' +
  'CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD ' +
  'GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT ' +
  'LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR ' +
  'NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP ' +
  'STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF ' +
  'XPF YER ZAR ZMW ZWG';
export const CURRENCIES: ReadonlySet<string> = new Set(CODES.split(' '));

const ZERO_DECIMAL = new Set('BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF'.split(' '));
const THREE_DECIMAL = new Set('BHD IQD JOD KWD LYD OMR TND'.split(' '));

export function isCurrency(code: string): boolean {
  return CURRENCIES.has(code);
}

/** Digits after the decimal point for a unit: ISO currencies by table, other units (MB, points) 0. */
export function minorDigits(unit: string): number {
  if (!CURRENCIES.has(unit)) return 0;
  if (ZERO_DECIMAL.has(unit)) return 0;
  if (THREE_DECIMAL.has(unit)) return 3;
  return 2;
}

/** Integer minor units → exact decimal string in major units ("-12.05"); never via floats. */
export function formatMinor(amount: number, unit: string): string {
  const digits = minorDigits(unit);
  const neg = amount < 0;
  const abs = Math.abs(amount).toString();
  if (digits === 0) return (neg ? '-' : '') + abs;
  const padded = abs.padStart(digits + 1, '0');
  return `${neg ? '-' : ''}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

/** Largest amount accepted anywhere: 10^12 minor units keeps every product below 2^53. */
export const MAX_AMOUNT = 1_000_000_000_000;

/**
 * A sum of amounts as the API gives it: JSON numbers (and JS ones) are exact only up to
 * Number.MAX_SAFE_INTEGER (2^53 − 1 ≈ 9.007 × 10^15 minor units, 9,008 entries of MAX_AMOUNT). A
 * sum beyond it is refused with 409 `sum_too_large`, never rounded. Returns `value` otherwise.
 */
export function exactAmount(value: number, what: string): number {
  if (Number.isSafeInteger(value)) return value;
  throw new ConflictError(
    `${what} is beyond ${Number.MAX_SAFE_INTEGER} minor units in absolute value, the largest sum the API can give exactly`,
    'sum_too_large',
  );
}

/** `a + b` of two exact amounts, refused like exactAmount when the result is not exact. */
export function addExact(a: number, b: number, what: string): number {
  return exactAmount(a + b, what);
}
