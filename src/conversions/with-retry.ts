import { isRetryableConflict } from '../db/queries/conversions';
import { isOlderTouchConflict } from '../db/queries/attribution-history';
import { errorText } from '../db/client';
import { ApiError, ValidationError } from '../lib/errors';

const MAX_ATTEMPTS = 30;

/** How many conversions were redone after losing a race, in this isolate (observability, tests). */
export const retryStats = { retries: 0 };

/**
 * Runs a conversion from its first read again whenever its batch lost a race (a counter moved,
 * the customer or event appeared meanwhile). Each attempt re-reads everything, so the outcome is
 * always computed from the state it is written against.
 */
export async function withConversionRetry<T>(fn: (attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      // The events trigger of migration 0009: this name already has another kind in the program.
      if (/event_kind_mismatch/.test(errorText(err))) {
        throw new ValidationError('eventName', 'this name is already recorded through another tracking route in this program (a name is a lead, a sale or a custom event, not two of them)', 'event_kind_mismatch');
      }
      if (!isRetryableConflict(err) && !isOlderTouchConflict(errorText(err))) throw err;
      retryStats.retries++;
      if (attempt >= MAX_ATTEMPTS) {
        throw new ApiError('conflict', 'Too much concurrent activity on this partner; retry the request', 'contention');
      }
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** attempt)));
    }
  }
}
