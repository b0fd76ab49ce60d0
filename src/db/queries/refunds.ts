import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { inArgs, inList, perDb, perDbAndSize } from '../prepared';
import { commissions, events, rewardCounters } from '../schema';
import { chunk } from '../../lib/chunk';

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
    .select({
      reversesId: commissions.reversesId,
      total: sql<number>`sum(-${commissions.amount})`,
      adjusted: sql<number>`max(${commissions.kind} = 'adjustment')`,
    })
    .from(commissions)
    .where(inArray(commissions.reversesId, inList(n)))
    .groupBy(commissions.reversesId)
    .prepare(),
);

/**
 * A sale's original commissions with what refunds (and a void) already took back from each, and
 * whether any of that was an `adjustment`: an original taken back by an adjustment while it was in
 * a payout keeps being taken back by adjustments after the payout is canceled and releases it (a
 * reversal would close it and its reversals while the adjustment stayed in the balance, taking
 * that part back twice). See `takenBackByAdjustment`.
 */
export async function commissionsOfSale(db: Db, saleEventId: string) {
  const originals = await originalsQuery(db).all({ eventId: saleEventId });
  if (originals.length === 0) return [];
  // A sale can earn on any number of rules; D1 binds at most 100 parameters a statement.
  const byId = new Map<string | null, { total: number; adjusted: boolean }>();
  for (const part of chunk(originals.map((o) => o.id), 90)) {
    for (const t of await takenQuery(db, part.length).all(inArgs(part))) byId.set(t.reversesId, { total: Number(t.total), adjusted: Number(t.adjusted) === 1 });
  }
  return originals.map((o) => ({ row: o, reversedSoFar: byId.get(o.id)?.total ?? 0, adjusted: byId.get(o.id)?.adjusted ?? false }));
}

/**
 * Whether what is still to take back from an original must be an `adjustment` (approved, netted by
 * the next payout) rather than a `reversal` that closes it: it is in a payout now, or was when an
 * earlier refund or void took part of it back (the payout was canceled since).
 */
export const takenBackByAdjustment = (o: { row: { payoutId: string | null }; adjusted: boolean }) => o.row.payoutId !== null || o.adjusted;

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

/** One ledger entry by id. */
export async function findCommission(db: Db, id: string) {
  const [row] = await db.select().from(commissions).where(eq(commissions.id, id)).limit(1);
  return row ?? null;
}

/** The event an entry was booked on (null for a manual adjustment, which has none). */
export async function findEventById(db: Db, id: string) {
  const [row] = await db.select().from(events).where(eq(events.id, id)).limit(1);
  return row ?? null;
}

/**
 * The void of an original, if it was voided: the one entry booked on the original's own event and
 * rule that takes it back (a refund's entries are booked on the refund's event, so never match).
 */
export async function findVoidOf(db: Db, original: { id: string; eventId: string; rewardId: string }) {
  const [row] = await db
    .select()
    .from(commissions)
    .where(and(eq(commissions.reversesId, original.id), eq(commissions.eventId, original.eventId), eq(commissions.rewardId, original.rewardId)))
    .limit(1);
  return row ?? null;
}

/**
 * Fails a void's batch (NOT NULL on the void's own guard counter, inserted earlier in the same
 * batch, so withConversionRetry redoes the void from fresh reads) unless the original is still where
 * the void read it: unclaimed and pending or approved (`payoutId` null: a reversal), or in the same
 * payout (an adjustment). A payout build, a cancel or a refund that moved it meanwhile is seen here.
 */
export function originalStillThereStatement(db: Db, originalId: string, payoutId: string | null, guardCounterKey: string) {
  const there =
    payoutId === null
      ? sql`exists (select 1 from ${commissions} c2 where c2.id = ${originalId} and c2.payout_id is null and c2.status in ('pending', 'approved'))`
      : sql`exists (select 1 from ${commissions} c2 where c2.id = ${originalId} and c2.payout_id = ${payoutId})`;
  return db
    .update(rewardCounters)
    .set({ count: sql`null` })
    .where(and(eq(rewardCounters.key, guardCounterKey), sql`not ${there}`));
}
