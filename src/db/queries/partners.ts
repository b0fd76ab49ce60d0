import { and, eq, not, sql, type SQL } from 'drizzle-orm';
import { rowsAffected, type Db } from '../client';
import { insertIfClickIdParam } from './links';
import { links, partners } from '../schema';
import { cursorWhere, newestFirst } from '../../lib/pagination';

export type PartnerRow = typeof partners.$inferSelect;
export type LinkRow = typeof links.$inferSelect;

/**
 * True while a partner of the program has this email (compared trimmed and
 * lower-case, as stored; rows written before that was enforced are compared the same way).
 */
function emailTaken(programId: string, email: string): SQL {
  return sql`exists (select 1 from partners as other where other.program_id = ${programId} and lower(trim(other.email)) = ${email})`;
}

/**
 * Partner and its default link are written together or not at all, and only while the program's
 * click_id_param is still `clickIdParam` (the link's url is the defaultUrl read with it) and no
 * partner of the program has the email (one statement: two concurrent sign-ups cannot both pass).
 * False when either failed: the email is taken, or clickIdParam was renamed since (which may have
 * moved the defaultUrl clear of the new name); the caller tells which.
 */
export async function insertPartnerWithLink(db: Db, partner: PartnerRow, link: LinkRow, clickIdParam: string): Promise<boolean> {
  const [inserted] = await db.batch([
    insertIfClickIdParam(db, partners, partner, partner.programId, clickIdParam, not(emailTaken(partner.programId, partner.email))),
    insertIfClickIdParam(db, links, link, link.programId, clickIdParam, sql`exists (select 1 from partners as own where own.id = ${partner.id})`),
  ]);
  return rowsAffected(inserted) === 1;
}

/** A partner of the program with this (normalised) email, or null. */
export async function findPartnerByEmail(db: Db, programId: string, email: string) {
  const [row] = await db
    .select({ id: partners.id })
    .from(partners)
    .where(and(eq(partners.programId, programId), sql`lower(trim(${partners.email})) = ${email}`))
    .limit(1);
  return row ?? null;
}

/**
 * Applies `patch`; when it sets `email`, only while no other partner of the same program has it
 * (in the same statement). Null when the partner is gone or the email is taken; the caller tells which.
 */
export async function updatePartnerIfEmailFree(db: Db, id: string, patch: Partial<PartnerRow>): Promise<PartnerRow | null> {
  const free = patch.email === undefined ? undefined : sql`not exists (select 1 from partners as other where other.program_id = "partners"."program_id" and lower(trim(other.email)) = ${patch.email} and other.id <> "partners"."id")`;
  const [row] = await db.update(partners).set(patch).where(and(eq(partners.id, id), free)).returning();
  return row ?? null;
}

export async function findPartner(db: Db, id: string): Promise<PartnerRow | null> {
  const [row] = await db.select().from(partners).where(eq(partners.id, id)).limit(1);
  return row ?? null;
}

export async function findPartnerByExternalId(db: Db, programId: string, externalId: string) {
  const [row] = await db
    .select()
    .from(partners)
    .where(and(eq(partners.programId, programId), eq(partners.externalId, externalId)))
    .limit(1);
  return row ?? null;
}

/**
 * Bumps the partner's token generation in one statement (concurrent revocations each count), so
 * every partner token issued before stops verifying. False when there is no such partner.
 */
export async function revokePartnerTokens(db: Db, id: string, programId: string | null, now: Date): Promise<boolean> {
  const where = programId === null ? eq(partners.id, id) : and(eq(partners.id, id), eq(partners.programId, programId));
  const rows = await db
    .update(partners)
    .set({ tokenGeneration: sql`${partners.tokenGeneration} + 1`, updatedAt: now })
    .where(where)
    .returning({ id: partners.id });
  return rows.length > 0;
}

/**
 * A program's partners, newest first (limit + 1 rows). `email` is normalised (trimmed, lower-case)
 * and compared as emailTaken compares; `email` and `status` filter the program's partners read in
 * page order (partners_program_created_idx): there is no index on either.
 */
export async function listPartners(
  db: Db,
  f: { programId: string; email?: string; status?: PartnerRow['status']; limit: number; cursor?: string },
) {
  return db
    .select()
    .from(partners)
    .where(
      and(
        eq(partners.programId, f.programId),
        f.email !== undefined ? sql`lower(trim(${partners.email})) = ${f.email}` : undefined,
        f.status !== undefined ? eq(partners.status, f.status) : undefined,
        cursorWhere(f.cursor, partners.createdAt, partners.id),
      ),
    )
    .orderBy(...newestFirst(partners.createdAt, partners.id))
    .limit(f.limit + 1);
}

/**
 * Sets (or, with nulls, clears) a partner's payout method and details, scoped by partner and program,
 * stamping payoutDetailsUpdatedAt. Null when there is no such partner in the program.
 */
export async function updatePayoutDetails(
  db: Db,
  id: string,
  programId: string,
  set: Pick<PartnerRow, 'payoutMethod' | 'payoutDetails' | 'payoutDetailsUpdatedAt' | 'updatedAt'>,
): Promise<PartnerRow | null> {
  const [row] = await db
    .update(partners)
    .set(set)
    .where(and(eq(partners.id, id), eq(partners.programId, programId)))
    .returning();
  return row ?? null;
}
