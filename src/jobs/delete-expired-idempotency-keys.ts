import type { Db } from '../db/client';
import { deleteIdempotencyKeysBefore } from '../db/queries/idempotency';
import { IDEMPOTENCY_RETENTION_MS } from '../middleware/idempotency';
import { deleteInChunks, EXPIRED_ROWS_CHUNK } from './delete-in-chunks';

/**
 * Deletes Idempotency-Key rows claimed more than IDEMPOTENCY_RETENTION_MS before `now`, in chunks
 * (deleteInChunks: 500 a statement, at most 50,000 a run). Returns how many went. Harmless at any
 * time: an expired key is already treated as new by the middleware.
 */
export async function deleteExpiredIdempotencyKeys(db: Db, now: Date, chunk = EXPIRED_ROWS_CHUNK): Promise<number> {
  const before = new Date(now.getTime() - IDEMPOTENCY_RETENTION_MS);
  return deleteInChunks((limit) => deleteIdempotencyKeysBefore(db, before, limit), chunk);
}
