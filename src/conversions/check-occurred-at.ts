import { ValidationError } from '../lib/errors';

/**
 * The earliest occurredAt a tracking call may carry. Referral tracking has nothing to attribute
 * before it; earlier dates are caller bugs (a timestamp of 0 read as 1970, a year 0001 default)
 * that would file the event decades back in reports, periods and holds.
 */
export const EARLIEST_OCCURRED_AT = new Date('2000-01-01T00:00:00.000Z');
/** Clock difference allowed between the caller and this server. */
export const FUTURE_SKEW_MS = 5 * 60_000;

/**
 * Backfills from EARLIEST_OCCURRED_AT on are fine; the future is not (it would shift holds and
 * attribution). Both ends are included: 2000-01-01T00:00:00.000Z and exactly now + 5 minutes.
 */
export function checkOccurredAt(occurredAt: Date | undefined, now: Date): Date {
  if (!occurredAt) return now;
  if (occurredAt.getTime() < EARLIEST_OCCURRED_AT.getTime()) {
    throw new ValidationError('occurredAt', `must not be before ${EARLIEST_OCCURRED_AT.toISOString()}`, 'occurred_too_early');
  }
  if (occurredAt.getTime() > now.getTime() + FUTURE_SKEW_MS) {
    throw new ValidationError('occurredAt', 'must not be in the future', 'occurred_in_future');
  }
  return occurredAt;
}

/**
 * A refund cannot happen before the sale it refunds: dated earlier, it would sit in a report day or
 * payout period before its sale's and reverse a commission before it was earned — a caller's bug
 * (a wrong field, a time zone). Without an occurredAt a refund is dated now, or at its sale when that
 * sale is dated a little ahead (within FUTURE_SKEW_MS of a caller's clock), so it is never refused.
 */
export function checkRefundOccurredAt(occurredAt: Date | undefined, saleOccurredAt: Date, now: Date): Date {
  const at = checkOccurredAt(occurredAt, now);
  if (at.getTime() >= saleOccurredAt.getTime()) return at;
  if (!occurredAt) return saleOccurredAt;
  throw new ValidationError('occurredAt', `must not be before the sale it refunds (${saleOccurredAt.toISOString()})`, 'occurred_before_sale');
}
