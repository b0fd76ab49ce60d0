import type { Db } from '../db/client';
import { findPayout, markPayoutPaid as markPaidAtomically, type PayoutRow } from '../db/queries/payouts';
import { ConflictError, NotFoundError } from '../lib/errors';
import { payoutMovedWebhook } from '../webhooks/payout-webhooks';

const canceledConflict = () => new ConflictError('Payout is canceled; its entries are back in the next build', 'payout_canceled');
const paidElsewhere = () => new ConflictError('Payout is already paid with another reference', 'already_paid');

/**
 * Records the transfer of a pending payout: it and its entries become paid, together. Marking it
 * paid again with the same reference is a replay (the payout as it is); another reference is 409
 * `already_paid`, a canceled payout 409 `payout_canceled` — also when the concurrent mark-paid or
 * cancel commits between this read and the batch.
 */
export async function markPayoutPaid({ db, now, payoutId, reference }: { db: Db; now: Date; payoutId: string; reference: string }): Promise<PayoutRow> {
  const current = await findPayout(db, payoutId);
  if (!current) throw new NotFoundError('Payout');
  if (current.status === 'canceled') throw canceledConflict();
  if (current.status === 'paid') {
    if (current.reference === reference) return current;
    throw paidElsewhere();
  }
  const row = (await markPaidAtomically(db, current.id, reference, now, [payoutMovedWebhook(db, current, { status: 'paid', reference }, now)]))!;
  if (row.status === 'canceled') throw canceledConflict();
  if (row.reference !== reference) throw paidElsewhere();
  return row;
}
