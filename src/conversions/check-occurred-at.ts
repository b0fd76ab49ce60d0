import { ValidationError } from '../lib/errors';

/** Backfills are fine; the future is not (it would shift holds and attribution). 5 min clock skew allowed. */
export function checkOccurredAt(occurredAt: Date | undefined, now: Date): Date {
  if (!occurredAt) return now;
  if (occurredAt.getTime() > now.getTime() + 5 * 60_000) {
    throw new ValidationError('occurredAt', 'must not be in the future', 'occurred_in_future');
  }
  return occurredAt;
}
