import { and, eq, lte, sql } from 'drizzle-orm';
import { rowsAffected, type Db } from '../client';
import { commissions, events } from '../schema';
import { exactAmount } from '../../lib/money';
import { exactSum } from './exact-sum';
import { cursorWhere, newestFirst } from '../../lib/pagination';
import type { CommissionRow } from './conversions';

// The ledger's reads and the approval job. A refund's reads and statements are in refunds.ts, a
// payout's in payouts.ts (re-exported here, so imports written against this file still resolve).
export { closeReversedStatements, commissionsOfSale, originalsUnchangedStatements } from './refunds';
export { findPayout, listPayouts, markPayoutPaid, type PayoutRow } from './payouts';

/**
 * Pending entries whose hold has passed become approved. Returns how many moved, from the engine's
 * change count: a backlog of any size is never read back as rows. One statement on purpose: a
 * partial reversal shares its original's hold, and chunking could approve one without the other.
 */
export async function approveDue(db: Db, now: Date): Promise<number> {
  const result = await db
    .update(commissions)
    .set({ status: 'approved', approvedAt: now })
    .where(and(eq(commissions.status, 'pending'), lte(commissions.holdUntil, now)));
  return rowsAffected(result);
}

export async function listCommissions(
  db: Db,
  f: { programId?: string; partnerId?: string; status?: CommissionRow['status']; limit: number; cursor?: string },
) {
  return db
    .select()
    .from(commissions)
    .where(
      and(
        f.programId ? eq(commissions.programId, f.programId) : undefined,
        f.partnerId ? eq(commissions.partnerId, f.partnerId) : undefined,
        f.status ? eq(commissions.status, f.status) : undefined,
        cursorWhere(f.cursor, commissions.createdAt, commissions.id),
      ),
    )
    .orderBy(...newestFirst(commissions.createdAt, commissions.id))
    .limit(f.limit + 1);
}

export async function listEvents(db: Db, f: { programId?: string; customerExternalId?: string; limit: number; cursor?: string }) {
  return db
    .select()
    .from(events)
    .where(
      and(
        f.programId ? eq(events.programId, f.programId) : undefined,
        f.customerExternalId ? eq(events.customerExternalId, f.customerExternalId) : undefined,
        cursorWhere(f.cursor, events.createdAt, events.id),
      ),
    )
    .orderBy(...newestFirst(events.createdAt, events.id))
    .limit(f.limit + 1);
}

/** Sums per unit and status of what a partner earned (partner-recipient entries only); 409 `sum_too_large` when one is not exact. */
export async function partnerBalance(db: Db, partnerId: string) {
  const rows = await db
    .select({ unit: commissions.unit, status: commissions.status, total: exactSum(commissions.amount) })
    .from(commissions)
    .where(and(eq(commissions.partnerId, partnerId), eq(commissions.recipient, 'partner')))
    .groupBy(commissions.unit, commissions.status);
  return rows.map((r) => ({ ...r, total: exactAmount(Number(r.total), `the partner's ${r.status} ${r.unit} balance`) }));
}
