import { ValidationError } from '../lib/errors';
import { DAY_MS } from '../lib/time';

/** Longest report range, in days (inclusive of both ends). */
export const MAX_SPAN_DAYS = 3660;
/** Range when neither end is given: the last 30 days, today included. */
export const DEFAULT_SPAN_DAYS = 30;

export interface DayRange {
  from: string;
  to: string;
  /** [fromMs, toMs): from's midnight UTC up to the midnight after `to`. */
  fromMs: number;
  toMs: number;
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const dayMs = (day: string) => Date.parse(`${day}T00:00:00.000Z`);

/** The days a report may name: outside them a day's ISO form is no longer YYYY-MM-DD (`-000001-12`). */
export const MIN_DAY = '1970-01-01';
export const MAX_DAY = '9999-12-31';

/** True for a real calendar date written YYYY-MM-DD (2026-02-30 is not) from MIN_DAY to MAX_DAY. */
export function isDay(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || s < MIN_DAY || s > MAX_DAY) return false;
  const ms = dayMs(s);
  return Number.isFinite(ms) && dayOf(ms) === s;
}

/**
 * Inclusive UTC day range from optional query ends. A missing `to` is today (by the app clock); a
 * missing `from` is 29 days before `to`, but not before MIN_DAY. `to` before `from`, or a span over
 * MAX_SPAN_DAYS, is a 422.
 */
export function resolveRange(from: string | undefined, to: string | undefined, now: Date): DayRange {
  const toDay = to ?? dayOf(now.getTime());
  const fromDay = from ?? dayOf(Math.max(dayMs(MIN_DAY), dayMs(toDay) - (DEFAULT_SPAN_DAYS - 1) * DAY_MS));
  const fromMs = dayMs(fromDay);
  const toMs = dayMs(toDay) + DAY_MS;
  if (toMs <= fromMs) throw new ValidationError('to', 'must not be before from', 'range_reversed');
  if ((toMs - fromMs) / DAY_MS > MAX_SPAN_DAYS) {
    throw new ValidationError('to', `the range may span at most ${MAX_SPAN_DAYS} days`, 'range_too_long');
  }
  return { from: fromDay, to: toDay, fromMs, toMs };
}

/** Monday (YYYY-MM-DD) of the ISO week holding `day`. */
export function isoWeekOf(day: string): string {
  const ms = dayMs(day);
  const sinceMonday = (new Date(ms).getUTCDay() + 6) % 7;
  return dayOf(ms - sinceMonday * DAY_MS);
}

export const monthOf = (day: string) => day.slice(0, 7);
