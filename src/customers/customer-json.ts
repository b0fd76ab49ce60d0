import type { CustomerWithPartner } from '../db/queries/customers';

/**
 * A customer as the admin API shows it: who it is (as tracking received it), which partner has it
 * now and through which link and click, and since when (`attributedAt`: when that partner referred
 * it; null while unattributed). Never a click's IP or visitor hash: the customer row has neither.
 */
export function adminCustomerJson(c: CustomerWithPartner) {
  return {
    id: c.id,
    programId: c.programId,
    externalId: c.externalId,
    email: c.email,
    name: c.name,
    partnerId: c.partnerId,
    partnerName: c.partnerName,
    linkId: c.linkId,
    clickId: c.clickId,
    attributedAt: c.attributedAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/**
 * A customer as its partner sees it (GET /v1/me/customers): only reflink's id, the partner's own
 * link and when it referred the customer — never the email, name or the merchant's external id.
 */
export function partnerCustomerJson(c: { id: string; linkId: string | null; attributedAt: Date | null; createdAt: Date }) {
  return { id: c.id, linkId: c.linkId, attributedAt: c.attributedAt?.toISOString() ?? null, createdAt: c.createdAt.toISOString() };
}
