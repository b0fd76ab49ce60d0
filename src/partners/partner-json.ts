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
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
