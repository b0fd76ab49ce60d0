import type { PayoutRow } from '../db/queries/ledger';
import { formatMinor } from '../lib/money';
import type { SkippedGroup } from './create-payouts';

export function payoutJson(p: PayoutRow) {
  return {
    id: p.id,
    programId: p.programId,
    partnerId: p.partnerId,
    unit: p.unit,
    amount: p.amount,
    amountFormatted: formatMinor(p.amount, p.unit),
    entryCount: p.entryCount,
    status: p.status,
    reference: p.reference,
    createdAt: p.createdAt.toISOString(),
    paidAt: p.paidAt?.toISOString() ?? null,
  };
}

/** A partner and unit whose approved money a payout build held back, with why. */
export function skippedPayoutJson(s: SkippedGroup) {
  return { partnerId: s.partnerId, unit: s.unit, amount: s.amount, amountFormatted: formatMinor(s.amount, s.unit), reason: s.reason };
}
