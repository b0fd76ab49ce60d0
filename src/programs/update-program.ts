import type { Db } from '../db/client';
import { findProgram, updateProgram as writeProgram, type ProgramRow } from '../db/queries/programs';
import { NotFoundError } from '../lib/errors';
import type { UpdateProgramInput } from './schemas';
import { checkDestination, normalizeHosts } from './check-hosts';

/** Applies a partial update; the (new) defaultUrl must stay on the (new) allowed hosts. */
export async function updateProgram({ db, now, id, input }: { db: Db; now: Date; id: string; input: UpdateProgramInput }) {
  const current = await findProgram(db, id);
  if (!current) throw new NotFoundError('Program');
  const allowedHosts = input.allowedHosts ? normalizeHosts(input.allowedHosts) : current.allowedHosts;
  const patch: Partial<ProgramRow> = { updatedAt: now, allowedHosts };
  if (input.name !== undefined) patch.name = input.name;
  patch.defaultUrl = checkDestination(input.defaultUrl ?? current.defaultUrl, allowedHosts, 'defaultUrl');
  if (input.attribution?.model) patch.attributionModel = input.attribution.model;
  if (input.attribution?.windowDays) patch.attributionWindowDays = input.attribution.windowDays;
  if (input.holdDays !== undefined) patch.holdDays = input.holdDays;
  if (input.clickIdParam !== undefined) patch.clickIdParam = input.clickIdParam;
  if (input.dedupWindowSeconds !== undefined) patch.dedupWindowSeconds = input.dedupWindowSeconds;
  if (input.leaderboardEnabled !== undefined) patch.leaderboardEnabled = input.leaderboardEnabled;
  const row = await writeProgram(db, id, patch);
  if (!row) throw new NotFoundError('Program');
  return row;
}
