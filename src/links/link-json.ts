import type { LinkRow } from '../db/queries/partners';

export function linkJson(l: LinkRow, baseUrl: string) {
  return {
    id: l.id,
    programId: l.programId,
    partnerId: l.partnerId,
    code: l.code,
    url: l.url,
    shortUrl: `${baseUrl}/${encodeURIComponent(l.code)}`,
    campaign: l.campaign,
    utm: l.utm ?? null,
    archived: l.archivedAt !== null,
    createdAt: l.createdAt.toISOString(),
    updatedAt: l.updatedAt.toISOString(),
  };
}
