export interface OriginalEntry {
  id: string;
  amount: number;
  status: 'pending' | 'approved' | 'paid' | 'reversed';
  /** Already in a payout (paid or about to be): only an adjustment can take money back. */
  inPayout: boolean;
  /** Sum of the absolute amounts of reversal/adjustment entries already booked against it. */
  reversedSoFar: number;
}

export interface PlannedReversal {
  reversesId: string;
  kind: 'reversal' | 'adjustment';
  /** Negative. */
  amount: number;
  /** The unpaid original is now reversed in full: it and its reversals leave every balance. */
  closesOriginal: boolean;
}

/**
 * How much of each commission a refund takes back. The target is proportional to the sale's
 * cumulative refunded share, rounded down, and the entry is target minus what was already taken,
 * so a series of partial refunds sums exactly to the full commission when the sale is fully
 * refunded, never more. Unpaid originals get a `reversal`; paid ones an `adjustment` that the next
 * payout carries.
 */
export function planReversals(saleAmount: number, refundedBefore: number, refundAmount: number, originals: readonly OriginalEntry[]): PlannedReversal[] {
  const refundedAfter = Math.min(saleAmount, refundedBefore + refundAmount);
  const out: PlannedReversal[] = [];
  for (const o of originals) {
    if (o.amount <= 0 || o.status === 'reversed') continue;
    const target =
      saleAmount === 0 || refundedAfter >= saleAmount
        ? o.amount
        : Number((BigInt(o.amount) * BigInt(refundedAfter)) / BigInt(saleAmount));
    const take = Math.min(target, o.amount) - o.reversedSoFar;
    if (take <= 0) continue;
    const paid = o.inPayout || o.status === 'paid';
    out.push({
      reversesId: o.id,
      kind: paid ? 'adjustment' : 'reversal',
      amount: -take,
      closesOriginal: !paid && o.reversedSoFar + take === o.amount,
    });
  }
  return out;
}
