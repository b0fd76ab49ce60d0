import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { commissions, partners, payouts } from '../schema';
import { cursorWhere, newestFirst } from '../../lib/pagination';
import type { BatchItem } from 'drizzle-orm/batch';

export type PayoutRow = typeof payouts.$inferSelect;
export type PayoutStatus = PayoutRow['status'];

export async function findPayout(db: Db, id: string): Promise<PayoutRow | null> {
  const [row] = await db.select().from(payouts).where(eq(payouts.id, id)).limit(1);
  return row ?? null;
}

/** The payout's status as its batch's later statements see it (the first one may just have moved it). */
const statusNow = (id: string) => sql`(select p.status from ${payouts} p where p.id = ${id})`;

/**
 * Marks a pending payout and all its entries paid, together. A payout no longer pending (paid, or
 * canceled by a cancel that won the race) is left as it is: the caller reads back which.
 */
export async function markPayoutPaid(db: Db, id: string, reference: string, now: Date, extra: readonly BatchItem<'sqlite'>[] = []) {
  await db.batch([
    db.update(payouts).set({ status: 'paid', reference, paidAt: now }).where(and(eq(payouts.id, id), eq(payouts.status, 'pending'))),
    db
      .update(commissions)
      .set({ status: 'paid', paidAt: now })
      .where(and(eq(commissions.payoutId, id), eq(commissions.status, 'approved'), sql`${statusNow(id)} = 'paid'`)),
    ...extra, // the payout.paid outbox row (conditional on this mark-paid having happened)
  ]);
  return findPayout(db, id);
}

/**
 * Cancels a pending payout and releases its entries in one transaction: they stay `approved` and
 * lose their `payout_id`, so the next build takes them again. Both statements are conditional: the
 * payout moves only from `pending`, and entries are released only while it is `canceled` — so a
 * cancel and a mark-paid racing each other end in exactly one of them, whichever commits first.
 * The caller reads back which.
 */
export async function cancelPayout(db: Db, id: string, reason: string | null, now: Date, extra: readonly BatchItem<'sqlite'>[] = []) {
  await db.batch([
    db.update(payouts).set({ status: 'canceled', canceledAt: now, cancelReason: reason }).where(and(eq(payouts.id, id), eq(payouts.status, 'pending'))),
    db
      .update(commissions)
      .set({ payoutId: null })
      .where(and(eq(commissions.payoutId, id), eq(commissions.status, 'approved'), sql`${statusNow(id)} = 'canceled'`)),
    ...extra, // the payout.canceled outbox row (conditional on this cancel having happened)
  ]);
  return findPayout(db, id);
}

type PayoutListFilter = { programId?: string; partnerId?: string; status?: PayoutStatus; limit: number; cursor?: string };

const payoutListWhere = (f: PayoutListFilter) =>
  and(
    f.programId ? eq(payouts.programId, f.programId) : undefined,
    f.partnerId ? eq(payouts.partnerId, f.partnerId) : undefined,
    f.status ? eq(payouts.status, f.status) : undefined,
    cursorWhere(f.cursor, payouts.createdAt, payouts.id),
  );

export async function listPayouts(db: Db, f: PayoutListFilter) {
  return db
    .select()
    .from(payouts)
    .where(payoutListWhere(f))
    .orderBy(...newestFirst(payouts.createdAt, payouts.id))
    .limit(f.limit + 1);
}

/**
 * How the payout's partner wants to be paid, as the partner row says now: read with the payout, never
 * copied into it, so a statement shows the details the partner has at the time it is read.
 */
export const payeeColumns = {
  payoutMethod: partners.payoutMethod,
  payoutDetails: partners.payoutDetails,
  payoutDetailsUpdatedAt: partners.payoutDetailsUpdatedAt,
};
/** null when the partner has set none (a left join's columns, all null, read as no object). */
export type Payee = Pick<typeof partners.$inferSelect, keyof typeof payeeColumns> | null;

/** The payee of a payout row: its partner by primary key (one probe per payout listed). */
export const payeeOfPayout = eq(partners.id, payouts.partnerId);

/** listPayouts for an admin: each payout with its partner's payout details as they are now. */
export async function listPayoutsWithPayees(db: Db, f: PayoutListFilter): Promise<(PayoutRow & { payee: Payee })[]> {
  const rows = await db
    .select({ payout: payouts, payee: payeeColumns })
    .from(payouts)
    .leftJoin(partners, payeeOfPayout)
    .where(payoutListWhere(f))
    .orderBy(...newestFirst(payouts.createdAt, payouts.id))
    .limit(f.limit + 1);
  return rows.map((r) => ({ ...r.payout, payee: r.payee }));
}
