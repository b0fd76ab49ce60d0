import type { AppDeps } from '../env';
import { checkRefundOccurredAt } from '../conversions/check-occurred-at';
import {
  bumpCounterStatement,
  findEventByDedupeKey,
  insertCommissionsStatements,
  insertEventStatement,
  readCounters,
  type CommissionRow,
  type EventRow,
  type Statement,
} from '../db/queries/conversions';
import { executeBatch } from '../db/statements';
import { closeReversedStatements, commissionsOfSale, findEventById, originalsUnchangedStatements, takenBackByAdjustment } from '../db/queries/refunds';
import { isEarlyEvent } from '../conversions/reattribute-event';
import { NotFoundError, ValidationError } from '../lib/errors';
import { newSortableId } from '../lib/ids';
import { commissionJson, eventJson } from '../conversions/conversion-json';
import { replayOrConflict } from '../conversions/replay-or-conflict';
import { requestHashes, type TrackingRequest } from '../conversions/request-hash';
import { withConversionRetry } from '../conversions/with-retry';
import type { TrackRefundInput } from '../conversions/schemas';
import { planReversals } from './plan-reversals';
import { eventRollupStatements } from '../reports/event-rollups';
import { conversionWebhookStatements } from '../webhooks/conversion-webhooks';

/**
 * Records a (partial) refund of a sale and takes back the matching share of its commissions:
 * unpaid ones by a reversal entry, paid ones by a negative adjustment carried into the next payout.
 * The sale's refunded total is a versioned counter, so concurrent refunds can never take back more
 * than the sale.
 */
export async function trackRefund(deps: AppDeps, input: TrackRefundInput, request: TrackingRequest) {
  const { db } = deps;
  const hashes = await requestHashes(request);
  const program = await deps.programCache.program(db, input.programId);
  if (!program) throw new NotFoundError('Program');
  const dedupeKey = `refund:${input.externalId}`;

  return withConversionRetry(async () => {
    const replay = await replayOrConflict(db, program.id, dedupeKey, hashes);
    if (replay) return replay;
    const read = await findEventByDedupeKey(db, program.id, `sale:${input.saleExternalId}`);
    if (!read) throw new NotFoundError('Sale');
    const counterKey = `refund|${read.id}`;
    const counter = (await readCounters(db, [counterKey])).get(counterKey);
    // An early sale may have been attributed (its commissions booked) just before the counter read:
    // read it again, so the refund carries the attribution its reversals follow. One attributed after
    // the counter read moved the counter: the batch fails and is redone.
    const sale = isEarlyEvent(read) ? ((await findEventById(db, read.id)) ?? read) : read;
    const saleAmount = sale.amount ?? 0;
    const refundedBefore = counter?.total ?? 0;
    const remaining = saleAmount - refundedBefore;
    const amount = input.amount ?? remaining;
    // A sale of 0 still pays fixed and per-unit rules: its one refund (without an amount) takes
    // them back in full. Otherwise the sale is fully refunded once nothing of it remains.
    const fullyRefunded = saleAmount === 0 ? (counter?.count ?? 0) > 0 : remaining <= 0;
    if (fullyRefunded) throw new ValidationError('saleExternalId', 'the sale is already fully refunded', 'already_refunded');
    if (amount > remaining) throw new ValidationError('amount', `exceeds the refundable remainder ${remaining}`, 'refund_exceeds_sale');

    const now = deps.clock();
    const occurredAt = checkRefundOccurredAt(input.occurredAt, sale.occurredAt, now);
    const eventId = newSortableId('evt');
    const originals = await commissionsOfSale(db, sale.id);
    const planned = planReversals(
      saleAmount,
      refundedBefore,
      amount,
      originals.map((o) => ({ id: o.row.id, amount: o.row.amount, status: o.row.status, inPayout: takenBackByAdjustment(o), reversedSoFar: o.reversedSoFar })),
    );
    const byId = new Map(originals.map((o) => [o.row.id, o.row]));
    const entries: CommissionRow[] = planned.map((p) => {
      const original = byId.get(p.reversesId)!;
      const unpaid = p.kind === 'reversal';
      const share = `${Math.abs(p.amount)} of ${original.amount}`;
      return {
        id: newSortableId('com'),
        programId: program.id,
        kind: p.kind,
        recipient: original.recipient,
        partnerId: original.partnerId,
        customerId: original.customerId,
        rewardId: original.rewardId,
        eventId,
        reversesId: original.id,
        amount: p.amount,
        unit: original.unit,
        // An unpaid reversal follows its original through hold and approval; an adjustment is due now.
        status: p.closesOriginal ? 'reversed' : unpaid ? (original.status === 'approved' ? 'approved' : 'pending') : 'approved',
        holdUntil: unpaid ? original.holdUntil : now,
        explanation: `refund ${amount} of sale ${saleAmount} (refunded ${refundedBefore + amount} in all): ${unpaid ? 'reversal' : 'adjustment after payout'} ${share}`,
        payoutId: null,
        createdAt: now,
        approvedAt: unpaid ? original.approvedAt : now,
        paidAt: null,
      };
    });
    const event: EventRow = {
      id: eventId,
      programId: program.id,
      type: 'refund',
      name: 'refund',
      dedupeKey,
      requestHash: hashes[0],
      externalId: input.externalId,
      customerId: sale.customerId,
      customerExternalId: sale.customerExternalId,
      partnerId: sale.partnerId,
      linkId: sale.linkId,
      clickId: sale.clickId,
      saleEventId: sale.id,
      amount,
      currency: sale.currency,
      quantity: 1,
      metadata: null,
      status: sale.status,
      reason: sale.reason,
      result: null,
      occurredAt,
      createdAt: now,
    };
    const result = { event: eventJson(event), commissions: entries.map((c) => commissionJson(c, program.currency)) };
    event.result = result;
    const statements: Statement[] = [
      insertEventStatement(db, event),
      bumpCounterStatement(db, counterKey, counter?.version ?? null, 1, amount, crypto.randomUUID()),
    ];
    if (entries.length > 0) statements.push(...insertCommissionsStatements(db, entries));
    for (const p of planned) if (p.closesOriginal) statements.push(...closeReversedStatements(db, p.reversesId, counterKey));
    // Partial reversals copied their originals' status: only valid while the originals keep it.
    for (const status of ['pending', 'approved'] as const) {
      const ids = planned.filter((p) => p.kind === 'reversal' && !p.closesOriginal && byId.get(p.reversesId)!.status === status).map((p) => p.reversesId);
      if (ids.length > 0) statements.push(...originalsUnchangedStatements(db, ids, status, counterKey));
    }
    statements.push(...(await eventRollupStatements(db, event, entries)));
    statements.push(...conversionWebhookStatements(event, entries, program.currency, now)); // refund.created, commission.created: the outbox
    await executeBatch(db, statements); // the refund and its reversals, all or nothing
    return result;
  });
}
