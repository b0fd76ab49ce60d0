import type { Db } from '../db/client';
import type { PayoutRow } from '../db/queries/payouts';
import { buildPayoutsAtomically, payableGroups, type PayoutDraft } from '../db/queries/payout-builds';
import { chunk } from '../lib/chunk';
import { newId } from '../lib/ids';
import { exactAmount } from '../lib/money';

/**
 * Why approved, unpaid money of a partner and unit stayed out of a build (it carries over):
 * `negative_balance` when reversals and adjustments exceed what was earned since the last payout
 * (the partner owes it back; later commissions net it out).
 */
export type SkipReason = 'partner_suspended' | 'negative_balance' | 'below_minimum' | 'arrived_during_build';

export interface SkippedGroup {
  partnerId: string;
  unit: string;
  amount: number;
  reason: SkipReason;
}

// Drafts per batch: each batch is one transaction of four statements whatever its size; this
// keeps one JSON parameter and one transaction's work modest on D1.
const DRAFTS_PER_BATCH = 500;

/**
 * One payout per active partner and unit over all approved, unpaid partner entries (negative
 * adjustments included) whose sum reaches `minAmount` (at least 1). A suspended partner is not
 * paid: its entries stay approved and unclaimed until a build after it is reactivated. Whatever
 * stays out is returned as `skipped` with its amount and reason, as of the build's last write.
 * Round trips: one read, then one batch per 500 payouts (not two per payout).
 */
export async function createPayouts({ db, now, programId, minAmount }: { db: Db; now: Date; programId: string; minAmount: number }) {
  const threshold = Math.max(1, minAmount);
  let remaining = await payableGroups(db, programId);
  // Before any write: a sum the API cannot give exactly refuses the whole build (409), never a rounded payout.
  for (const g of remaining) exactAmount(Number(g.total), `approved, unpaid ${g.unit} of partner ${g.partnerId}`);
  // Suspended partners are drafted too: the batch decides on the status as it is then, so a
  // partner reactivated while the build ran is paid and one suspended meanwhile is not.
  const drafts: PayoutDraft[] = remaining
    .filter((g) => g.partnerId !== null && Number(g.total) >= threshold)
    .map((g) => ({ id: newId('pay'), partnerId: g.partnerId!, unit: g.unit }));
  const created: PayoutRow[] = [];
  for (const run of chunk(drafts, DRAFTS_PER_BATCH)) {
    const built = await buildPayoutsAtomically(db, { programId, now, minAmount: threshold, drafts: run });
    created.push(...built.created);
    remaining = built.remaining;
  }
  const skipped: SkippedGroup[] = remaining.flatMap((g) => {
    if (g.partnerId === null) return [];
    const amount = exactAmount(Number(g.total), `approved, unpaid ${g.unit} of partner ${g.partnerId}`);
    return [{ partnerId: g.partnerId, unit: g.unit, amount, reason: skipReason(g.partnerStatus, amount, threshold) }];
  });
  return { created, skipped };
}

/**
 * Why a group still payable after the build's batch was not paid. Its amount is as of that batch:
 * one at or above the minimum for an active partner was approved after the build's read.
 */
export function skipReason(partnerStatus: string | null, amount: number, threshold: number): SkipReason {
  if (partnerStatus !== 'active') return 'partner_suspended';
  if (amount < 0) return 'negative_balance';
  if (amount < threshold) return 'below_minimum';
  return 'arrived_during_build';
}
