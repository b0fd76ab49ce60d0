import type { Db } from '../db/client';
import { findLink, updateLink as writeLink, updateLinkIfClickIdParam } from '../db/queries/links';
import type { LinkRow } from '../db/queries/partners';
import { findProgram } from '../db/queries/programs';
import { NotFoundError } from '../lib/errors';
import { checkDestination } from '../programs/check-hosts';
import { clickIdParamRaced, throwIfClickIdParamClash } from './check-click-id-param';
import type { UpdateLinkInput } from './schemas';

/**
 * Applies a partial update. A PATCH that sends `url` or `utm` is checked as the link it leaves
 * (the new url on the allowed hosts; url and utm_* clear of the click id parameter) and written
 * only while the program's clickIdParam is still the one checked (else checked again once); one
 * that only archives, restores or renames the campaign is not, so a link stored before a check can still be retired.
 */
export async function updateLink({ db, now, id, input }: { db: Db; now: Date; id: string; input: UpdateLinkInput }): Promise<LinkRow> {
  for (let attempt = 0; ; attempt++) {
    const row = await tryUpdateLink(db, now, id, input);
    if (row) return row;
    if (attempt >= 1) throw clickIdParamRaced();
  }
}

/** One attempt; null when a checked url/utm change lost a race to a clickIdParam rename. */
async function tryUpdateLink(db: Db, now: Date, id: string, input: UpdateLinkInput): Promise<LinkRow | null> {
  const link = await findLink(db, id);
  if (!link) throw new NotFoundError('Link');
  const patch: Partial<LinkRow> = { updatedAt: now };
  if (input.utm !== undefined) patch.utm = input.utm && Object.keys(input.utm).length > 0 ? input.utm : null;
  if (input.campaign !== undefined) patch.campaign = input.campaign;
  if (input.archived !== undefined) patch.archivedAt = input.archived ? (link.archivedAt ?? now) : null;
  if (input.url === undefined && input.utm === undefined) {
    const row = await writeLink(db, id, patch);
    if (!row) throw new NotFoundError('Link');
    return row;
  }
  const program = await findProgram(db, link.programId);
  if (!program) throw new NotFoundError('Program');
  if (input.url !== undefined) patch.url = checkDestination(input.url, program.allowedHosts, 'url');
  throwIfClickIdParamClash(patch.url ?? link.url, program.clickIdParam, patch.utm === undefined ? link.utm : patch.utm);
  return updateLinkIfClickIdParam(db, link, patch, program.clickIdParam);
}
