import type { Db } from '../db/client';
import { findLink, updateLink as writeLink } from '../db/queries/links';
import type { LinkRow } from '../db/queries/partners';
import { findProgram } from '../db/queries/programs';
import { NotFoundError } from '../lib/errors';
import { checkDestination } from '../programs/check-hosts';
import type { UpdateLinkInput } from './schemas';

export async function updateLink({ db, now, id, input }: { db: Db; now: Date; id: string; input: UpdateLinkInput }): Promise<LinkRow> {
  const link = await findLink(db, id);
  if (!link) throw new NotFoundError('Link');
  const patch: Partial<LinkRow> = { updatedAt: now };
  if (input.url !== undefined) {
    const program = await findProgram(db, link.programId);
    if (!program) throw new NotFoundError('Program');
    patch.url = checkDestination(input.url, program.allowedHosts, 'url');
  }
  if (input.campaign !== undefined) patch.campaign = input.campaign;
  if (input.utm !== undefined) patch.utm = input.utm && Object.keys(input.utm).length > 0 ? input.utm : null;
  if (input.archived !== undefined) patch.archivedAt = input.archived ? (link.archivedAt ?? now) : null;
  const row = await writeLink(db, id, patch);
  if (!row) throw new NotFoundError('Link');
  return row;
}
