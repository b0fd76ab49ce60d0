import type { Db } from '../db/client';
import { cancelPayout as cancelPayoutAtomically, findPayout, type PayoutRow } from '../db/queries/payouts';
import { ConflictError, NotFoundError } from '../lib/errors';
import { payoutMovedWebhook } from '../webhooks/payout-webhooks';

const paidConflict = () => new ConflictError('Payout is paid; a paid payout cannot be canceled (void or adjust its entries instead)', 'payout_paid');

/**
 * Cancels a payout built and not yet paid: it becomes `canceled` (with when and why) and its
 * entries go back to approved and unclaimed, in one batch, so the next build pays them again. A
 * canceled payout is returned as it is (a replay: the first cancel's time and reason stay); a paid
 * one is 409 `payout_paid`, also when a mark-paid commits between this read and the batch.
 */
export async function cancelPayout({ db, now, payoutId, reason }: { db: Db; now: Date; payoutId: string; reason: string | null }): Promise<PayoutRow> {
  const current = await findPayout(db, payoutId);
  if (!current) throw new NotFoundError('Payout');
  if (current.status === 'canceled') return current;
  if (current.status === 'paid') throw paidConflict();
  const row = (await cancelPayoutAtomically(db, current.id, reason, now, [payoutMovedWebhook(db, current, { status: 'canceled', reason }, now)]))!;
  if (row.status === 'paid') throw paidConflict();
  return row;
}
