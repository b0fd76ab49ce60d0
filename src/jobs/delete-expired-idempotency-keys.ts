import type { Db } from '../db/client';
import { deleteIdempotencyKeysBefore } from '../db/queries/idempotency';
import { IDEMPOTENCY_RETENTION_MS } from '../middleware/idempotency';

/** Rows one statement deletes: a short write, so requests claiming keys meanwhile wait little. */
export const EXPIRED_KEYS_CHUNK = 500;
/** Chunks one run deletes at most (50,000 rows); what is left goes at the next run. */
export const EXPIRED_KEYS_MAX_CHUNKS = 100;

/**
 * Deletes Idempotency-Key rows claimed more than IDEMPOTENCY_RETENTION_MS before `now`, in chunks
 * of EXPIRED_KEYS_CHUNK, at most EXPIRED_KEYS_MAX_CHUNKS per run. Returns how many went. Harmless
 * at any time: an expired key is already treated as new by the middleware.
 */
export async function deleteExpiredIdempotencyKeys(db: Db, now: Date, chunk = EXPIRED_KEYS_CHUNK): Promise<number> {
  const before = new Date(now.getTime() - IDEMPOTENCY_RETENTION_MS);
  let deleted = 0;
  for (let i = 0; i < EXPIRED_KEYS_MAX_CHUNKS; i++) {
    const n = await deleteIdempotencyKeysBefore(db, before, chunk);
    deleted += n;
    if (n < chunk) break;
  }
  return deleted;
}
