import type { AppDeps } from '../env';
import { bumpCounterStatement, insertCommissionsStatements, readCounters, type CommissionRow, type Statement } from '../db/queries/conversions';
import { closeReversedStatements, commissionsOfSale, findCommission, findEventById, findVoidOf, originalStillThereStatement, takenBackByAdjustment } from '../db/queries/refunds';
import { executeBatch } from '../db/statements';
import { ConflictError, NotFoundError } from '../lib/errors';
import { newSortableId } from '../lib/ids';
import { withConversionRetry } from '../conversions/with-retry';
import { eventRollupStatements } from '../reports/event-rollups';

export interface VoidResult {
  /** The original as it is after the void. */
  original: CommissionRow;
  /** The entry that took it back: a `reversal` (unclaimed original) or an `adjustment` (in a payout). */
  entry: CommissionRow;
  /** False when the original had been voided before: nothing was written, the first void is returned. */
  created: boolean;
}

/**
 * Takes a commission back in full, as a full refund of its sale would: an original not in a payout
 * gets a reversal and both leave every balance (`reversed`); one in a payout (built or paid) gets a
 * negative approved adjustment that the next payout nets out. Only what refunds have not already
 * taken is taken. The void is booked on the original's own event and rule (its day in reports), so
 * there is at most one per original (unique index, and its own guard counter `void|<id>`). It also
 * moves the sale's refund counter, so a refund racing it is redone from fresh reads, and the batch
 * fails (redone) if a build, cancel or refund moved the original after it was read.
 */
export async function voidCommission(deps: AppDeps, commissionId: string, reason: string | undefined): Promise<VoidResult> {
  const { db } = deps;
  return withConversionRetry(async () => {
    const original = await findCommission(db, commissionId);
    if (!original) throw new NotFoundError('Commission');
    const done = await findVoidOf(db, original);
    if (done) return { original, entry: done, created: false };
    if (original.kind !== 'commission') {
      throw new ConflictError(`A ${original.kind} cannot be voided; void the commission it takes back (${original.reversesId})`, 'not_a_commission');
    }
    // The sale's refund counter before what refunds took: a refund committed after this read moves
    // the version the batch checks (redone), one committed before it is in commissionsOfSale.
    const event = await findEventById(db, original.eventId);
    const saleKey = event?.type === 'sale' ? `refund|${event.id}` : null;
    const counter = saleKey ? (await readCounters(db, [saleKey])).get(saleKey) : undefined;
    const ofSale = (await commissionsOfSale(db, original.eventId)).find((o) => o.row.id === original.id);
    const taken = ofSale?.reversedSoFar ?? 0;
    const take = original.amount - taken;
    if (original.status === 'reversed' || take <= 0) throw new ConflictError('The commission is already taken back in full (refunded)', 'already_reversed');

    const now = deps.clock();
    // In a payout, or released by a canceled one after a refund took part of it back by adjustment.
    const inPayout = takenBackByAdjustment({ row: original, adjusted: ofSale?.adjusted ?? false });
    const entry: CommissionRow = {
      id: newSortableId('com'),
      programId: original.programId,
      kind: inPayout ? 'adjustment' : 'reversal',
      recipient: original.recipient,
      partnerId: original.partnerId,
      customerId: original.customerId,
      rewardId: original.rewardId,
      eventId: original.eventId,
      reversesId: original.id,
      amount: -take,
      unit: original.unit,
      status: inPayout ? 'approved' : 'reversed',
      holdUntil: inPayout ? now : original.holdUntil,
      explanation: `void${reason ? `: ${reason}` : ''} (${inPayout ? 'adjustment after payout' : 'reversal'} ${take} of ${original.amount})`,
      payoutId: null,
      createdAt: now,
      approvedAt: inPayout ? now : original.approvedAt,
      paidAt: null,
    };
    const guardKey = `void|${original.id}`;
    const statements: Statement[] = [
      // Inserted here (a second void's insert finds it and fails its batch), nulled below if the original moved.
      bumpCounterStatement(db, guardKey, null, 1, take, crypto.randomUUID()),
      originalStillThereStatement(db, original.id, original.payoutId, guardKey),
    ];
    if (saleKey) statements.push(bumpCounterStatement(db, saleKey, counter?.version ?? null, 0, 0, crypto.randomUUID()));
    statements.push(...insertCommissionsStatements(db, [entry]));
    if (!inPayout) statements.push(...closeReversedStatements(db, original.id, guardKey));
    // Commissions only (as a custom event counts nothing else), on the original event's day and keys.
    if (event) statements.push(...(await eventRollupStatements(db, { ...event, type: 'custom' }, [entry])));
    await executeBatch(db, statements);
    return { original: (await findCommission(db, original.id))!, entry, created: true };
  });
}
