import type { PayoutRow } from '../db/queries/ledger';
import { formatMinor } from '../lib/money';

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
