import type { CommissionRow } from '../db/queries/conversions';
import type { PayoutStatementRows, StatementEntryRow, StatementLineCommission } from '../db/queries/payout-statements';
import { commissionJson } from '../conversions/conversion-json';
import { partnerExplanation } from '../rewards/partner-explanation';

/** A ledger entry as its partner reads it: commissionJson with the explanation in money (explanationFormatted). */
export function partnerCommissionJson(c: CommissionRow, currency: string) {
  const json = commissionJson(c, currency);
  return { ...json, explanation: json.explanationFormatted };
}

/** One statement entry with its explanation in money (a streamed statement maps each page through it). */
export function partnerStatementEntry<C extends StatementLineCommission>(e: StatementEntryRow<C>, currency: string): StatementEntryRow<C> {
  return { ...e, commission: { ...e.commission, explanation: partnerExplanation(e.commission.explanation, e.commission.unit, currency) } };
}

/** A payout statement whose entries' explanations read as money (JSON, CSV and the portal page alike). */
export function withPartnerExplanations(s: PayoutStatementRows, currency: string): PayoutStatementRows {
  return { ...s, entries: s.entries.map((e) => partnerStatementEntry(e, currency)) };
}
