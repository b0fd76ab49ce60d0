import type { CustomerRow } from '../db/queries/conversions';
import { newSortableId } from '../lib/ids';
import type { Touch } from './resolve-attribution';

/** The customer's earlier attribution as a touch, or null. */
export function touchOf(c: CustomerRow | null): Touch | null {
  if (!c || !c.partnerId || !c.attributedAt) return null;
  return { partnerId: c.partnerId, linkId: c.linkId, clickId: c.clickId, at: c.attributedAt };
}

export function newCustomer(programId: string, externalId: string, now: Date, extra: Partial<CustomerRow> = {}): CustomerRow {
  return {
    id: newSortableId('cus'),
    programId,
    externalId,
    email: null,
    name: null,
    partnerId: null,
    linkId: null,
    clickId: null,
    attributedAt: null,
    createdAt: now,
    updatedAt: now,
    ...extra,
  };
}
