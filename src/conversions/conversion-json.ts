import type { CommissionRow, CustomerRow, EventRow } from '../db/queries/conversions';
import { formatMinor } from '../lib/money';
import { partnerExplanation } from '../rewards/partner-explanation';

/**
 * A ledger entry as every answer shows it. `amountFormatted` is the API's one convention for money
 * as text (as a payout's): the exact amount in the unit's major units, no symbol ("12.00", "-3.00",
 * "1200" for JPY, "1.235" for KWD, "500" for MB). `explanation` is the stored ledger text (minor
 * units, for integrations that parse it); `explanationFormatted` the same with amounts as money, the
 * text the partner reads ("10% of €120.00 = €12.00"), derived here and never stored in the ledger.
 * `currency` is the program's, in which its sales are counted.
 */
export function commissionJson(c: CommissionRow, currency: string) {
  return {
    id: c.id,
    kind: c.kind,
    recipient: c.recipient,
    partnerId: c.partnerId,
    customerId: c.customerId,
    rewardId: c.rewardId,
    eventId: c.eventId,
    reversesId: c.reversesId,
    amount: c.amount,
    amountFormatted: formatMinor(c.amount, c.unit),
    unit: c.unit,
    status: c.status,
    holdUntil: c.holdUntil.toISOString(),
    explanation: c.explanation,
    explanationFormatted: partnerExplanation(c.explanation, c.unit, currency),
    payoutId: c.payoutId,
    createdAt: c.createdAt.toISOString(),
  };
}

export function eventJson(e: Omit<EventRow, 'result' | 'requestHash' | 'dedupeKey'>) {
  return {
    id: e.id,
    programId: e.programId,
    type: e.type,
    name: e.name,
    externalId: e.externalId,
    status: e.status,
    reason: e.reason,
    customerId: e.customerId,
    customerExternalId: e.customerExternalId,
    partnerId: e.partnerId,
    linkId: e.linkId,
    clickId: e.clickId,
    saleEventId: e.saleEventId,
    amount: e.amount,
    currency: e.currency,
    quantity: e.quantity,
    metadata: e.metadata,
    occurredAt: e.occurredAt.toISOString(),
    createdAt: e.createdAt.toISOString(),
  };
}

export function customerJson(c: CustomerRow) {
  return { id: c.id, externalId: c.externalId, partnerId: c.partnerId };
}
