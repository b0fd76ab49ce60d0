import type { PartnerRow } from '../db/queries/partners';

export function partnerJson(p: PartnerRow) {
  return {
    id: p.id,
    programId: p.programId,
    name: p.name,
    email: p.email,
    externalId: p.externalId,
    code: p.code,
    status: p.status,
    // How the partner wants to be paid: the partner itself (GET /v1/me) and admins only.
    payoutMethod: p.payoutMethod,
    payoutDetails: p.payoutDetails,
    payoutDetailsUpdatedAt: p.payoutDetailsUpdatedAt?.toISOString() ?? null,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
