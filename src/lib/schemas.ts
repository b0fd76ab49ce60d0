import { z } from 'zod';
import { isCurrency, MAX_AMOUNT } from './money';

const CURRENCY_MESSAGE = 'must be an ISO 4217 currency code such as EUR';

/**
 * An ISO 4217 code in any case, as upper case ("eur" is EUR). ASCII letters only: JavaScript
 * upper-cases "ı" to "I" and "ſ" to "S", which would make "ısk" ISK.
 */
export const currencySchema = z
  .string()
  .regex(/^[A-Za-z]{3}$/, CURRENCY_MESSAGE)
  .toUpperCase()
  .refine((c) => isCurrency(c), { message: CURRENCY_MESSAGE });

/** A unit as written to the ledger: a currency code upper-cased ("eur" is EUR), any other name as sent. */
export function normalizeUnit(unit: string): string {
  const upper = unit.toUpperCase();
  return isCurrency(upper) ? upper : unit;
}

/**
 * A unit of reward rules, adjustments and per-unit payout minimums: an ISO 4217 code in any case,
 * upper-cased, or a name such as points or MB, kept as sent (names are case-sensitive: "points" and
 * "Points" are two units). A name that spells a currency code in some case is that currency: a
 * non-cash unit called "eur" beside EUR would be one typo away from paying cash.
 */
export const unitSchema = unitAsSent().transform(normalizeUnit);

/** A unit's spelling before normalizeUnit (for keys that must be told apart as sent). */
export function unitAsSent() {
  return z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,15}$/, 'must be a currency code or a unit name such as MB or points');
}

export const minorAmount = z.number().int('must be an integer in minor units').min(0).max(MAX_AMOUNT);

export const isoDate = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time' })
  .transform((s) => new Date(s));

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export const shortText = (max = 200) => z.string().trim().min(1).max(max);
