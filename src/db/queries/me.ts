import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { perDb } from '../prepared';
import { commissions, partners, programs } from '../schema';
import { cursorWhere, newestFirst } from '../../lib/pagination';
import type { CommissionRow } from './conversions';
import type { PartnerRow } from './partners';
import type { ProgramRow } from './programs';

// Every partner-token request reads these: built once per database handle.
const byIds = and(eq(partners.id, sql.placeholder('partnerId')), eq(partners.programId, sql.placeholder('programId')));
const partnerWithProgramQuery = perDb((db) =>
  db.select({ partner: partners, program: programs }).from(partners).innerJoin(programs, eq(programs.id, partners.programId)).where(byIds).limit(1).prepare(),
);

/** A partner with its program, in one query, scoped by both ids. */
export async function findPartnerWithProgram(db: Db, partnerId: string, programId: string): Promise<{ partner: PartnerRow; program: ProgramRow } | null> {
  const [row] = await partnerWithProgramQuery(db).all({ partnerId, programId });
  return row ?? null;
}

/**
 * A partner's own ledger, newest first: only entries paid to the partner (a two-sided reward's
 * customer credit carries the partner id too, but it is the customer's money, as in balanceOf).
 */
export async function listPartnerCommissions(
  db: Db,
  f: { programId: string; partnerId: string; status?: CommissionRow['status']; limit: number; cursor?: string },
) {
  return db
    .select()
    .from(commissions)
    .where(
      and(
        eq(commissions.programId, f.programId),
        eq(commissions.partnerId, f.partnerId),
        eq(commissions.recipient, 'partner'),
        f.status ? eq(commissions.status, f.status) : undefined,
        cursorWhere(f.cursor, commissions.createdAt, commissions.id),
      ),
    )
    .orderBy(...newestFirst(commissions.createdAt, commissions.id))
    .limit(f.limit + 1);
}
