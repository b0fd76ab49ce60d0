import { and, eq } from 'drizzle-orm';
import type { Db } from '../client';
import { commissions, partners } from '../schema';
import { cursorWhere, newestFirst } from '../../lib/pagination';
import type { CommissionRow } from './conversions';
import type { PartnerRow } from './partners';

/** The partner a token names, only if it still belongs to the token's program (primary-key lookup). */
export async function findPartnerInProgram(db: Db, partnerId: string, programId: string): Promise<PartnerRow | null> {
  const [row] = await db
    .select()
    .from(partners)
    .where(and(eq(partners.id, partnerId), eq(partners.programId, programId)))
    .limit(1);
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
