import type { ProgramRow } from '../db/queries/programs';

export function programJson(p: ProgramRow) {
  return {
    id: p.id,
    name: p.name,
    currency: p.currency,
    defaultUrl: p.defaultUrl,
    allowedHosts: p.allowedHosts,
    attribution: { model: p.attributionModel, windowDays: p.attributionWindowDays },
    holdDays: p.holdDays,
    clickIdParam: p.clickIdParam,
    dedupWindowSeconds: p.dedupWindowSeconds,
    leaderboardEnabled: p.leaderboardEnabled,
    cookieDomain: p.cookieDomain,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
