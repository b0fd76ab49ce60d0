import type { CommissionRow, EventRow } from '../db/queries/conversions';
import { newSortableId } from '../lib/ids';
import { planReversals } from '../ledger/plan-reversals';

/**
 * The reversals that refunds recorded while their sale was unattributed would have booked had the
 * sale been attributed then: each refund in the order it was recorded, against the sale's new
 * commissions, with the cumulative share track-refund uses (so partial refunds add up exactly to
 * the commission on a full refund). Entries are booked on the refund's own event (its day in
 * reports), as track-refund books them. An original reversed in full is closed with its partial
 * reversals (`reversed`), as closeReversedStatements does; the rows passed in are updated in place,
 * before anything is written. Pure.
 */
export function reversalsOfEarlyRefunds(sale: EventRow, originals: CommissionRow[], refunds: readonly EventRow[], now: Date): Map<string, CommissionRow[]> {
  const saleAmount = sale.amount ?? 0;
  const takenSoFar = new Map<string, number>();
  const byRefund = new Map<string, CommissionRow[]>();
  const all: CommissionRow[] = [];
  let refundedBefore = 0;
  for (const refund of refunds) {
    const amount = refund.amount ?? 0;
    const planned = planReversals(
      saleAmount,
      refundedBefore,
      amount,
      originals.map((o) => ({ id: o.id, amount: o.amount, status: o.status, inPayout: false, reversedSoFar: takenSoFar.get(o.id) ?? 0 })),
    );
    const entries: CommissionRow[] = [];
    for (const p of planned) {
      const original = originals.find((o) => o.id === p.reversesId)!;
      takenSoFar.set(original.id, (takenSoFar.get(original.id) ?? 0) + -p.amount);
      entries.push({
        id: newSortableId('com'),
        programId: original.programId,
        kind: 'reversal',
        recipient: original.recipient,
        partnerId: original.partnerId,
        customerId: original.customerId,
        rewardId: original.rewardId,
        eventId: refund.id,
        reversesId: original.id,
        amount: p.amount,
        unit: original.unit,
        status: p.closesOriginal ? 'reversed' : original.status,
        holdUntil: original.holdUntil,
        explanation: `refund ${amount} of sale ${saleAmount} (refunded ${refundedBefore + amount} in all): reversal ${-p.amount} of ${original.amount}`,
        payoutId: null,
        createdAt: now,
        approvedAt: original.approvedAt,
        paidAt: null,
      });
      if (p.closesOriginal) {
        original.status = 'reversed';
        for (const e of all) if (e.reversesId === original.id) e.status = 'reversed';
      }
    }
    all.push(...entries);
    byRefund.set(refund.id, entries);
    refundedBefore += amount;
  }
  return byRefund;
}
