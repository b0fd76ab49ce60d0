import { and, eq, sql } from 'drizzle-orm';
import { rowsAffected, type Db } from '../client';
import { insertIfClickIdParam } from './links';
import { links, partners } from '../schema';
import { cursorWhere, newestFirst } from '../../lib/pagination';

export type PartnerRow = typeof partners.$inferSelect;
export type LinkRow = typeof links.$inferSelect;

/**
 * Partner and its default link are written together or not at all, and only while the program's
 * click_id_param is still `clickIdParam` (the link's url is the defaultUrl read with it): false
 * when it was renamed since, which may have moved the defaultUrl clear of the new name.
 */
export async function insertPartnerWithLink(db: Db, partner: PartnerRow, link: LinkRow, clickIdParam: string): Promise<boolean> {
  const [inserted] = await db.batch([
    insertIfClickIdParam(db, partners, partner, partner.programId, clickIdParam),
    insertIfClickIdParam(db, links, link, link.programId, clickIdParam),
  ]);
  return rowsAffected(inserted) === 1;
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

export async function updatePartner(db: Db, id: string, patch: Partial<PartnerRow>): Promise<PartnerRow | null> {
  const [row] = await db.update(partners).set(patch).where(eq(partners.id, id)).returning();
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

export async function listPartners(db: Db, programId: string, limit: number, cursor?: string) {
  return db
    .select()
    .from(partners)
    .where(and(eq(partners.programId, programId), cursorWhere(cursor, partners.createdAt, partners.id)))
    .orderBy(...newestFirst(partners.createdAt, partners.id))
    .limit(limit + 1);
}
