import type { Db } from '../db/client';
import { deleteTokenRevocationsBefore } from '../db/queries/partner-tokens';
import { EXPIRED_KEYS_CHUNK, EXPIRED_KEYS_MAX_CHUNKS } from './delete-expired-idempotency-keys';

/**
 * How long a revocation outlives its token: the clocks of the machine that verifies and of the one
 * that runs this job may disagree a little, and a revocation deleted early would let the token back in.
 */
export const REVOCATION_CLOCK_SKEW_MS = 60_000;

/**
 * Deletes the revocations of partner tokens that expired REVOCATION_CLOCK_SKEW_MS or more before
 * `now` (an expired token is refused by its `exp` alone), in chunks, at most
 * EXPIRED_KEYS_MAX_CHUNKS per run. Returns how many went.
 */
export async function deleteExpiredTokenRevocations(db: Db, now: Date, chunk = EXPIRED_KEYS_CHUNK): Promise<number> {
  const before = new Date(now.getTime() - REVOCATION_CLOCK_SKEW_MS);
  let deleted = 0;
  for (let i = 0; i < EXPIRED_KEYS_MAX_CHUNKS; i++) {
    const n = await deleteTokenRevocationsBefore(db, before, chunk);
    deleted += n;
    if (n < chunk) break;
  }
  return deleted;
}
