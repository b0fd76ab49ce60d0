import type { EventRow } from '../../src/db/queries/conversions';

/** A bare unattributed sale event row, for tests that write events straight through drizzle. */
export function saleEventRow(id: string, programId = 'prg_x'): EventRow {
  return {
    id,
    programId,
    type: 'sale',
    name: 'sale',
    dedupeKey: `sale:${id}`,
    requestHash: 'h',
    externalId: id,
    customerId: null,
    customerExternalId: null,
    partnerId: null,
    linkId: null,
    clickId: null,
    saleEventId: null,
    amount: 1,
    currency: 'USD',
    quantity: 1,
    metadata: null,
    status: 'unattributed',
    reason: null,
    result: {},
    occurredAt: new Date(0),
    createdAt: new Date(0),
  };
}
