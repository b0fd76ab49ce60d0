import type { Db } from '../db/client';
import type { AppConfig } from '../env';
import { approveCommissions } from '../ledger/approve-commissions';
import { deliverDueWebhooks, type DeliveryRun, type FetchLike } from '../webhooks/deliver-webhooks';
import { webhookRootKey } from '../webhooks/root-key';
import { deleteExpiredIdempotencyKeys } from './delete-expired-idempotency-keys';
import { deleteExpiredTokenRevocations } from './delete-expired-token-revocations';

type Result = { approved: number; expiredIdempotencyKeys: number; expiredTokenRevocations: number; webhooks?: DeliveryRun };

/**
 * The periodic job (the Workers cron, Node's timer): commissions whose hold has passed become
 * approved, then expired Idempotency-Key rows and revocations of expired partner tokens are
 * deleted, then (given the config, whose root key signs them) due webhooks are delivered. Each runs
 * even if another failed; the first failure is rethrown afterwards so the runtime reports it.
 */
export async function runScheduledJobs(db: Db, now: Date, opts: { config?: AppConfig; fetch?: FetchLike } = {}): Promise<Result> {
  const failures: unknown[] = [];
  const approved = await approveCommissions(db, now).catch((err: unknown) => (failures.push(err), 0));
  const expiredIdempotencyKeys = await deleteExpiredIdempotencyKeys(db, now).catch((err: unknown) => (failures.push(err), 0));
  const expiredTokenRevocations = await deleteExpiredTokenRevocations(db, now).catch((err: unknown) => (failures.push(err), 0));
  const result: Result = { approved, expiredIdempotencyKeys, expiredTokenRevocations };
  const rootKey = opts.config ? webhookRootKey(opts.config) : null;
  if (rootKey !== null) {
    const none = { attempted: 0, delivered: 0, failed: 0 };
    result.webhooks = await deliverDueWebhooks({ db, now, rootKey, fetch: opts.fetch }).catch((err: unknown) => (failures.push(err), none));
  }
  if (failures.length) throw failures[0];
  return result;
}
