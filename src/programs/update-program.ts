import type { Db } from '../db/client';
import type { SQL } from 'drizzle-orm';
import { findProgram, updateProgramIf, type ProgramRow } from '../db/queries/programs';
import { linksHighWater, linksMaybeNaming, noLinkMayNameSince } from '../db/queries/links';
import { ConflictError, NotFoundError } from '../lib/errors';
import { clickIdParamClash, clickIdParamRaced, throwIfClickIdParamClash } from '../links/check-click-id-param';
import { paramKey } from '../links/forward-query';
import type { UpdateProgramInput } from './schemas';
import { checkDestination, normalizeHosts } from './check-hosts';
import { normalizeCookieDomain } from './check-cookie-domain';

/**
 * A new clickIdParam applies to every link of the program at once (the redirect reads it from the
 * program), so it is refused (409) while any link's url or utm_* already has a parameter of that
 * name: the click id would overwrite the link's own value. Those links' urls change first.
 * Returns the condition the rename is then written under: no link written after this scan (which
 * it could not see) may carry the name.
 */
async function throwIfLinksClash(db: Db, programId: string, clickIdParam: string): Promise<SQL> {
  const highWater = await linksHighWater(db); // read first: a link written during the scan is above it
  const candidates = await linksMaybeNaming(db, programId, clickIdParam);
  const clashing = candidates.filter((l) => clickIdParamClash(l.url, clickIdParam, l.utm) !== null).map((l) => l.id);
  if (clashing.length === 0) return noLinkMayNameSince(programId, clickIdParam, highWater);
  throw new ConflictError(
    `clickIdParam: ${clashing.length} link(s) of this program already have a "${clickIdParam}" parameter in their url or utm, which the click id would overwrite (${clashing.slice(0, 3).join(', ')}${clashing.length > 3 ? ', …' : ''}); change those links first or choose another name`,
    'click_id_param_clash',
  );
}

/**
 * Applies a partial update; the (new) defaultUrl must stay on the (new) allowed hosts, and, when
 * clickIdParam or defaultUrl is sent, the click id must not overwrite a parameter of the defaultUrl
 * (422) or of an existing link (409, see throwIfLinksClash). Every PATCH is written only while the
 * program still has the clickIdParam and defaultUrl it was checked against (and, for a rename, no
 * link written meanwhile may carry the new name); otherwise it is checked and written once more.
 */
export async function updateProgram({ db, now, id, input }: { db: Db; now: Date; id: string; input: UpdateProgramInput }): Promise<ProgramRow> {
  for (let attempt = 0; ; attempt++) {
    const row = await tryUpdateProgram(db, now, id, input);
    if (row) return row;
    if (attempt >= 1) throw clickIdParamRaced();
  }
}

/** One checked attempt; null when a checked PATCH lost a race to a concurrent write. */
async function tryUpdateProgram(db: Db, now: Date, id: string, input: UpdateProgramInput): Promise<ProgramRow | null> {
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
  if (input.cookieDomain !== undefined) patch.cookieDomain = normalizeCookieDomain(input.cookieDomain);
  // Every PATCH writes defaultUrl (checked against the allowedHosts it writes), so every one is
  // written only while defaultUrl and clickIdParam are still what it read: else a name-only PATCH
  // would put back a defaultUrl a concurrent PATCH moved clear of a new clickIdParam or onto hosts
  // this one then removes.
  if (input.clickIdParam === undefined && input.defaultUrl === undefined) return updateProgramIf(db, current, patch);
  const clickIdParam = input.clickIdParam ?? current.clickIdParam;
  throwIfClickIdParamClash(patch.defaultUrl, clickIdParam, null, input.clickIdParam !== undefined ? 'clickIdParam' : 'defaultUrl');
  const guard = paramKey(clickIdParam) !== paramKey(current.clickIdParam) ? await throwIfLinksClash(db, id, clickIdParam) : undefined;
  return updateProgramIf(db, current, patch, guard);
}
