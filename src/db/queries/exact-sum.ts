import { sql, type SQLWrapper } from 'drizzle-orm';

/**
 * sum() of an integer money column. SQLite sums exactly (64-bit); a result beyond ±(2^53 − 1) is
 * handed over as a REAL (`total()`), so every driver returns a plain number — libSQL would throw a
 * RangeError on the integer, D1 would round it silently — and `exactAmount` refuses it loudly.
 */
export function exactSum(column: SQLWrapper) {
  return sql<number>`(case when abs(sum(${column})) <= ${sql.raw(String(Number.MAX_SAFE_INTEGER))} then sum(${column}) else total(${column}) end)`;
}
