import { clickIdTime } from '../lib/ids';
import { DAY_MS } from '../lib/time';

export interface Touch {
  partnerId: string;
  linkId: string | null;
  clickId: string | null;
  at: Date;
}

export type Candidate = { touch: Touch } | { rejected: string } | null;

/**
 * Decides whether a click can attribute a conversion at `occurredAt`: only a person's click (one
 * flagged `bot` — a crawler, a link preview, no user agent — referred nobody, whoever passes its id
 * on), and only from the moment of the click up to `windowDays` later.
 */
export function clickCandidate(
  click: { id: string; partnerId: string; linkId: string; createdAt: Date; bot: boolean } | null,
  occurredAt: Date,
  windowDays: number,
): Candidate {
  if (!click) return { rejected: 'unknown_click' };
  if (click.bot) return { rejected: 'bot_click' };
  const age = occurredAt.getTime() - click.createdAt.getTime();
  if (age < 0 || age > windowDays * DAY_MS) return { rejected: 'outside_window' };
  return { touch: { partnerId: click.partnerId, linkId: click.linkId, clickId: click.id, at: click.createdAt } };
}

/**
 * A referral cannot cause what happened before it: a conversion that occurred before the touch that
 * attributed its customer (`at`: the click, or the lead by code) is nobody's (`outside_window`),
 * though the customer stays attributed for what comes later.
 */
export function occurredBeforeTouch(touch: Touch, occurredAt: Date): boolean {
  return occurredAt.getTime() < touch.at.getTime();
}

/**
 * Under last_click, a conversion that occurred before the customer's current touch may belong to an
 * earlier one: only then are the customer's recorded touches read (the common path reads nothing).
 */
export function needsEarlierTouch(model: 'first_click' | 'last_click', current: Touch | null, occurredAt: Date): boolean {
  return model === 'last_click' && current !== null && occurredBeforeTouch(current, occurredAt);
}

/**
 * The touch a conversion at `occurredAt` belongs to: the customer's current one, unless that came
 * later. Then, under last_click, the touch that was current at `occurredAt`: `earlier`, the latest
 * recorded touch at or before it (null when none was). first_click: the current touch is the first,
 * so an earlier conversion is nobody's. null means `outside_window`. A touch the conversion brings
 * itself that did not move the customer (older than its current one) is not used, as before.
 */
export function touchAtOccurrence(model: 'first_click' | 'last_click', current: Touch | null, occurredAt: Date, earlier: Touch | null = null): Touch | null {
  if (!current || !occurredBeforeTouch(current, occurredAt)) return current;
  if (model === 'first_click' || !earlier || occurredBeforeTouch(earlier, occurredAt)) return null;
  return earlier;
}

/**
 * Under last_click, a lead's own touch older than the customer's current one does not move the
 * customer, but it happened: it may belong in the customer's history at its `at`. Only then are
 * the recorded touches next to that `at` read (olderTouchToRecord decides).
 */
export function mayRecordOlderTouch(model: 'first_click' | 'last_click', current: Touch | null, own: Touch | null): boolean {
  return model === 'last_click' && current !== null && own !== null && occurredBeforeTouch(current, own.at);
}

/**
 * The older touch to insert into the history's past, or null. `before` and `after` are the recorded
 * touches next to its `at` (`after`: the next one, else the current). It must be a touch that would
 * have taken the customer from `before` under last_click: newer than `before`'s latest click (an
 * equal instant keeps the touch already recorded). A touch of the partner of `before` or of `after`
 * adds nothing: a partner's repeated touch is no new referral, and moving `after` back would change
 * when that partner referred the customer (its reward windows, the customer row, reports).
 */
export function olderTouchToRecord(model: 'first_click' | 'last_click', current: Touch | null, own: Touch | null, before: Touch | null, after: Touch | null): Touch | null {
  if (!mayRecordOlderTouch(model, current, own)) return null;
  const next = after ?? current!;
  if (own!.partnerId === next.partnerId || own!.at.getTime() >= next.at.getTime()) return null;
  if (before && (before.partnerId === own!.partnerId || own!.at.getTime() <= lastTouchTime(before))) return null;
  return own;
}

/** The later of the recorded touch at a conversion's occurredAt and an older touch recorded with it. */
export function laterTouch(earlier: Touch | null, recorded: Touch | null): Touch | null {
  if (!recorded) return earlier;
  return earlier && earlier.at.getTime() >= recorded.at.getTime() ? earlier : recorded;
}

/**
 * Merges a new touch with the customer's earlier attribution. first_click: the first partner
 * keeps the customer. last_click: a newer touch (not after the conversion) wins; a newer touch of
 * the same partner takes its link and click but keeps `at`, when that partner referred the
 * customer (reward windows count from it, and earlier events of the customer stay theirs).
 */
export function chooseAttribution(model: 'first_click' | 'last_click', existing: Touch | null, candidate: Touch | null): { touch: Touch | null; changed: boolean } {
  if (!existing) return { touch: candidate, changed: candidate !== null };
  if (!candidate || model === 'first_click') return { touch: existing, changed: false };
  if (candidate.at.getTime() <= lastTouchTime(existing)) return { touch: existing, changed: false };
  if (candidate.partnerId !== existing.partnerId) return { touch: candidate, changed: true };
  // The same partner again: a newer click moves link and click; a code (no click) changes nothing.
  if (!candidate.clickId) return { touch: existing, changed: false };
  return { touch: { ...candidate, at: existing.at }, changed: true };
}

/**
 * When the customer's attribution was last touched: `at` is when its partner referred the
 * customer, and a later click of that partner (kept as the attribution's click) is newer. Last
 * click compares against this, so an older click of another partner never wins over it.
 */
function lastTouchTime(touch: Touch): number {
  const clickAt = touch.clickId ? clickIdTime(touch.clickId) : null;
  return Math.max(touch.at.getTime(), clickAt ?? 0);
}
