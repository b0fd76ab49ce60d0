import type { Db } from '../db/client';
import { createPayoutAtomically, payableGroups, type PayoutRow } from '../db/queries/ledger';
import { newId } from '../lib/ids';

/**
 * One payout per partner and unit over all approved, unpaid partner entries (negative adjustments
 * included) whose sum reaches `minAmount` (at least 1). Groups below it carry over untouched.
 */
export async function createPayouts({ db, now, programId, minAmount }: { db: Db; now: Date; programId: string; minAmount: number }) {
  const threshold = Math.max(1, minAmount);
  const created: PayoutRow[] = [];
  for (const g of await payableGroups(db, programId)) {
    if (!g.partnerId || Number(g.total) < threshold) continue;
    const row = await createPayoutAtomically(
      db,
      { id: newId('pay'), programId, partnerId: g.partnerId, unit: g.unit, amount: 0, entryCount: 0, status: 'pending', reference: null, createdAt: now, paidAt: null },
      threshold,
    );
    if (row) created.push(row);
  }
  return created;
}
