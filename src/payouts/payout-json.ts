import type { CommissionRow } from '../db/queries/conversions';
import type { Payee, PayoutRow } from '../db/queries/payouts';
import type { PayoutStatementRows } from '../db/queries/payout-statements';
import { commissionJson } from '../conversions/conversion-json';
import { formatMinor } from '../lib/money';
import type { SkippedGroup } from './create-payouts';
import { page } from '../lib/pagination';

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
    canceledAt: p.canceledAt?.toISOString() ?? null,
    cancelReason: p.cancelReason,
  };
}

/**
 * An admin's view of a payout: with how its partner wants to be paid, as the partner row says now
 * (read with the payout, not stored in it). Never for a partner's answers.
 */
export function payeeJson(payee: Payee) {
  return {
    payoutMethod: payee?.payoutMethod ?? null,
    payoutDetails: payee?.payoutDetails ?? null,
    payoutDetailsUpdatedAt: payee?.payoutDetailsUpdatedAt?.toISOString() ?? null,
  };
}

/** A partner and unit whose approved money a payout build held back, with why. */
export function skippedPayoutJson(s: SkippedGroup) {
  return { partnerId: s.partnerId, unit: s.unit, amount: s.amount, amountFormatted: formatMinor(s.amount, s.unit), reason: s.reason };
}

/** A statement's entries as flat rows: the commission with the code and campaign of its link. */
export const statementEntries = (s: PayoutStatementRows) => s.entries.map((e) => ({ ...e.commission, linkCode: e.linkCode, campaign: e.campaign }));

/**
 * A payout statement: the payout, the period its entries span, and one page of its entries (each as
 * `entryJson` shows a ledger entry — commissionJson for an admin, partnerCommissionJson for the
 * partner — plus linkCode and campaign), newest first.
 */
export function payoutStatementJson(s: PayoutStatementRows, limit: number, entryJson: (c: CommissionRow) => ReturnType<typeof commissionJson>) {
  const entries = page(statementEntries(s), limit, (e) => ({ ...entryJson(e), linkCode: e.linkCode, campaign: e.campaign }));
  return {
    ...payoutJson(s.payout),
    period: s.period && { from: s.period.from.toISOString(), to: s.period.to.toISOString() },
    entries: entries.data,
    nextCursor: entries.nextCursor,
  };
}
