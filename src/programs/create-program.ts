import type { Db } from '../db/client';
import { insertProgram, type ProgramRow } from '../db/queries/programs';
import { newId } from '../lib/ids';
import type { CreateProgramInput } from './schemas';
import { checkDestination, normalizeHosts } from './check-hosts';

/** Creates a program; its defaultUrl must itself be on one of its allowed hosts. */
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
    createdAt: now,
    updatedAt: now,
  };
  await insertProgram(db, row);
  return row;
}
