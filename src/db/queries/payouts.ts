import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { commissions, payouts } from '../schema';
import { cursorWhere, newestFirst } from '../../lib/pagination';

export type PayoutRow = typeof payouts.$inferSelect;

export async function findPayout(db: Db, id: string): Promise<PayoutRow | null> {
  const [row] = await db.select().from(payouts).where(eq(payouts.id, id)).limit(1);
  return row ?? null;
}

/** Marks a payout and all its entries paid, together. */
export async function markPayoutPaid(db: Db, id: string, reference: string, now: Date) {
  await db.batch([
    db.update(payouts).set({ status: 'paid', reference, paidAt: now }).where(and(eq(payouts.id, id), eq(payouts.status, 'pending'))),
    db
      .update(commissions)
      .set({ status: 'paid', paidAt: now })
      .where(and(eq(commissions.payoutId, id), eq(commissions.status, 'approved'), sql`(select p.status from ${payouts} p where p.id = ${id}) = 'paid'`)),
  ]);
  return findPayout(db, id);
}

export async function listPayouts(db: Db, f: { programId?: string; partnerId?: string; limit: number; cursor?: string }) {
  return db
    .select()
    .from(payouts)
    .where(
      and(
        f.programId ? eq(payouts.programId, f.programId) : undefined,
        f.partnerId ? eq(payouts.partnerId, f.partnerId) : undefined,
        cursorWhere(f.cursor, payouts.createdAt, payouts.id),
      ),
    )
    .orderBy(...newestFirst(payouts.createdAt, payouts.id))
    .limit(f.limit + 1);
}
