import type { Db } from '../db/client';
import { approveCommissions } from '../ledger/approve-commissions';
import { deleteExpiredIdempotencyKeys } from './delete-expired-idempotency-keys';
import { deleteExpiredTokenRevocations } from './delete-expired-token-revocations';

/**
 * The periodic job (the Workers cron, Node's timer): commissions whose hold has passed become
 * approved, then expired Idempotency-Key rows and revocations of expired partner tokens are
 * deleted. Each runs even if another failed; the first failure is rethrown afterwards so the
 * runtime reports it.
 */
export async function runScheduledJobs(db: Db, now: Date): Promise<{ approved: number; expiredIdempotencyKeys: number; expiredTokenRevocations: number }> {
  const failures: unknown[] = [];
  const approved = await approveCommissions(db, now).catch((err: unknown) => (failures.push(err), 0));
  const expiredIdempotencyKeys = await deleteExpiredIdempotencyKeys(db, now).catch((err: unknown) => (failures.push(err), 0));
  const expiredTokenRevocations = await deleteExpiredTokenRevocations(db, now).catch((err: unknown) => (failures.push(err), 0));
  if (failures.length) throw failures[0];
  return { approved, expiredIdempotencyKeys, expiredTokenRevocations };
}
