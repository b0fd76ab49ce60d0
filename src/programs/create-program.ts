import type { Db } from '../db/client';
import { insertProgram, type ProgramRow } from '../db/queries/programs';
import { newId } from '../lib/ids';
import type { CreateProgramInput } from './schemas';
import { checkDestination, normalizeHosts } from './check-hosts';
import { normalizeCookieDomain } from './check-cookie-domain';
import { throwIfClickIdParamClash } from '../links/check-click-id-param';

/**
 * Creates a program; its defaultUrl must itself be on one of its allowed hosts and have no
 * parameter the click id would overwrite (422 `click_id_param_clash`).
 */
export async function createProgram({ db, now, input }: { db: Db; now: Date; input: CreateProgramInput }): Promise<ProgramRow> {
  const allowedHosts = normalizeHosts(input.allowedHosts);
  const row: ProgramRow = {
    id: newId('prg'),
    name: input.name,
    currency: input.currency,
    defaultUrl: checkDestination(input.defaultUrl, allowedHosts, 'defaultUrl'),
    allowedHosts,
    attributionModel: input.attribution?.model ?? 'last_click',
    attributionWindowDays: input.attribution?.windowDays ?? 30,
    holdDays: input.holdDays,
    clickIdParam: input.clickIdParam,
    dedupWindowSeconds: input.dedupWindowSeconds,
    leaderboardEnabled: input.leaderboardEnabled,
    cookieDomain: normalizeCookieDomain(input.cookieDomain),
    createdAt: now,
    updatedAt: now,
  };
  throwIfClickIdParamClash(row.defaultUrl, row.clickIdParam, null, 'defaultUrl');
  await insertProgram(db, row);
  return row;
}
