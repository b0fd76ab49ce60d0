import type { Db } from '../db/client';
import { findPartner } from '../db/queries/partners';
import { NotFoundError } from '../lib/errors';

/** The program's partner named by a list filter or build option: 404 when unknown or another program's. */
export async function throwIfNotProgramPartner(db: Db, programId: string, partnerId: string | undefined): Promise<void> {
  if (partnerId === undefined) return;
  const partner = await findPartner(db, partnerId);
  if (!partner || partner.programId !== programId) throw new NotFoundError('Partner');
}
