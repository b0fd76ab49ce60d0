import { and, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { rowsAffected, type Db } from '../client';
import { inArgs, inList, perDb, perDbAndSize } from '../prepared';
import { commissions, events, payouts, rewardCounters } from '../schema';
import { chunk } from '../../lib/chunk';
import { exactAmount } from '../../lib/money';
import { exactSum } from './exact-sum';
import { cursorWhere, newestFirst } from '../../lib/pagination';
import type { CommissionRow } from './conversions';

export type PayoutRow = typeof payouts.$inferSelect;

// A refund's reads, built once per database handle (the second once per count of originals).
const originalsQuery = perDb((db) =>
  db
    .select()
    .from(commissions)
    .where(and(eq(commissions.eventId, sql.placeholder('eventId')), eq(commissions.kind, 'commission')))
    .prepare(),
);
const takenQuery = perDbAndSize((db, n) =>
  db
    .select({ reversesId: commissions.reversesId, total: sql<number>`sum(-${commissions.amount})` })
    .from(commissions)
    .where(inArray(commissions.reversesId, inList(n)))
    .groupBy(commissions.reversesId)
    .prepare(),
);

/** A sale's original commissions with what refunds already took back from each. */
export async function commissionsOfSale(db: Db, saleEventId: string) {
  const originals = await originalsQuery(db).all({ eventId: saleEventId });
  if (originals.length === 0) return [];
  // A sale can earn on any number of rules; D1 binds at most 100 parameters a statement.
  const byId = new Map<string | null, number>();
  for (const part of chunk(originals.map((o) => o.id), 90)) {
    for (const t of await takenQuery(db, part.length).all(inArgs(part))) byId.set(t.reversesId, Number(t.total));
  }
  return originals.map((o) => ({ row: o, reversedSoFar: byId.get(o.id) ?? 0 }));
}

/**
 * Closes a fully reversed, unpaid original and its earlier partial reversals. If the original was
 * claimed by a payout meanwhile, the guard nulls a counter's NOT NULL column, failing the whole
 * batch so the refund is redone (as an adjustment) from fresh reads.
 */
export function closeReversedStatements(db: Db, originalId: string, guardCounterKey: string) {
  return [
    db
      .update(commissions)
      .set({ status: 'reversed' })
      .where(and(eq(commissions.id, originalId), isNull(commissions.payoutId), inArray(commissions.status, ['pending', 'approved']))),
    db
      .update(rewardCounters)
      .set({ count: sql`null` })
      .where(and(eq(rewardCounters.key, guardCounterKey), sql`(select c2.status from ${commissions} c2 where c2.id = ${originalId}) <> 'reversed'`)),
    db
      .update(commissions)
      .set({ status: 'reversed' })
      .where(and(eq(commissions.reversesId, originalId), eq(commissions.kind, 'reversal'), isNull(commissions.payoutId))),
  ];
}

/**
 * A partial reversal of an unpaid original copies its status (pending or approved). If one of the
 * originals moved after the refund read it (the approval job approved it, a payout claimed it), the
 * guard nulls a counter's NOT NULL column, failing the whole batch so the refund is redone from
 * fresh reads: an approved reversal, or an adjustment. Otherwise the approved original could be
 * paid out whole while its reversal still waited as pending. One statement per 90 originals (D1
 * binds at most 100 parameters a statement).
 */
export function originalsUnchangedStatements(db: Db, originalIds: readonly string[], status: 'pending' | 'approved', guardCounterKey: string) {
  return chunk([...originalIds], 90).map((ids) =>
    db
      .update(rewardCounters)
      .set({ count: sql`null` })
      .where(
        and(
          eq(rewardCounters.key, guardCounterKey),
          sql`(select count(*) from ${commissions} c2 where ${inArray(sql`c2.id`, ids)} and c2.status = ${status} and c2.payout_id is null) <> ${ids.length}`,
        ),
      ),
  );
}

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

