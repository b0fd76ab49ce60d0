import type { Db } from '../db/client';
import { deleteTokenRevocationsBefore } from '../db/queries/partner-tokens';
import { deleteInChunks, EXPIRED_ROWS_CHUNK } from './delete-in-chunks';

/**
 * How long a revocation outlives its token: the clocks of the machine that verifies and of the one
 * that runs this job may disagree a little, and a revocation deleted early would let the token back in.
 */
export const REVOCATION_CLOCK_SKEW_MS = 60_000;

/**
 * Deletes the revocations of partner tokens that expired REVOCATION_CLOCK_SKEW_MS or more before
 * `now` (an expired token is refused by its `exp` alone), in chunks (deleteInChunks). Returns how
 * many went.
 */
export async function deleteExpiredTokenRevocations(db: Db, now: Date, chunk = EXPIRED_ROWS_CHUNK): Promise<number> {
  const before = new Date(now.getTime() - REVOCATION_CLOCK_SKEW_MS);
  return deleteInChunks((limit) => deleteTokenRevocationsBefore(db, before, limit), chunk);
}
