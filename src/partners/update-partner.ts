import type { Db } from '../db/client';
import { findPartner, updatePartnerIfEmailFree, type PartnerRow } from '../db/queries/partners';
import { NotFoundError } from '../lib/errors';
import { emailTakenError } from './email-taken';
import type { UpdatePartnerInput } from './schemas';

/**
 * Renames, changes the email of, suspends or reactivates a partner. A new email must not be another
 * partner's in the same program (409 `email_taken`, nothing written); checked in the update itself.
 */
export async function updatePartner({ db, now, id, input }: { db: Db; now: Date; id: string; input: UpdatePartnerInput }): Promise<PartnerRow> {
  const row = await updatePartnerIfEmailFree(db, id, { ...input, updatedAt: now });
  if (row) return row;
  if (!(await findPartner(db, id))) throw new NotFoundError('Partner');
  throw emailTakenError();
}
