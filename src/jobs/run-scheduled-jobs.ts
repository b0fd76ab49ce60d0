import type { Db } from '../db/client';
import { approveCommissions } from '../ledger/approve-commissions';
import { deleteExpiredIdempotencyKeys } from './delete-expired-idempotency-keys';

/**
 * The periodic job (the Workers cron, Node's timer): commissions whose hold has passed become
 * approved, then expired Idempotency-Key rows are deleted. Each runs even if the other failed; the
 * first failure is rethrown afterwards so the runtime reports it.
 */
export async function runScheduledJobs(db: Db, now: Date): Promise<{ approved: number; expiredIdempotencyKeys: number }> {
  const failures: unknown[] = [];
  const approved = await approveCommissions(db, now).catch((err: unknown) => (failures.push(err), 0));
  const expiredIdempotencyKeys = await deleteExpiredIdempotencyKeys(db, now).catch((err: unknown) => (failures.push(err), 0));
  if (failures.length) throw failures[0];
  return { approved, expiredIdempotencyKeys };
}
