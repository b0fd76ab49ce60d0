import { and, eq, isNotNull, like, or, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { perDb } from '../prepared';
import { dailyRollups, links, partners, programs } from '../schema';
import { cursorWhere, newestFirst } from '../../lib/pagination';
import type { LinkRow } from './partners';

export async function insertLink(db: Db, row: LinkRow) {
  await db.insert(links).values(row);
}

export async function codeExists(db: Db, codeKey: string): Promise<boolean> {
  const rows = await db.select({ id: links.id }).from(links).where(eq(links.codeKey, codeKey)).limit(1);
  return rows.length > 0;
}

export async function findLink(db: Db, id: string): Promise<LinkRow | null> {
  const [row] = await db.select().from(links).where(eq(links.id, id)).limit(1);
  return row ?? null;
}

export async function updateLink(db: Db, id: string, patch: Partial<LinkRow>): Promise<LinkRow | null> {
  const [row] = await db.update(links).set(patch).where(eq(links.id, id)).returning();
  return row ?? null;
}

export async function listLinksOfPartner(db: Db, partnerId: string, limit: number, cursor?: string) {
  return db
    .select()
    .from(links)
    .where(and(eq(links.partnerId, partnerId), cursorWhere(cursor, links.createdAt, links.id)))
    .orderBy(...newestFirst(links.createdAt, links.id))
    .limit(limit + 1);
}

// Built once per database handle: a redirect whose code is not cached (a long tail of links, or
// unknown codes) pays only for binding the code, not for rendering a three-table select.
const redirectTargetQuery = perDb((db) =>
  db
    .select({
      linkId: links.id,
      programId: links.programId,
      partnerId: links.partnerId,
      url: links.url,
      utm: links.utm,
      archived: sql<number>`${links.archivedAt} is not null`,
      partnerStatus: partners.status,
      defaultUrl: programs.defaultUrl,
      allowedHosts: programs.allowedHosts,
      clickIdParam: programs.clickIdParam,
      windowDays: programs.attributionWindowDays,
      dedupWindowSeconds: programs.dedupWindowSeconds,
    })
    .from(links)
    .innerJoin(partners, eq(partners.id, links.partnerId))
    .innerJoin(programs, eq(programs.id, links.programId))
    .where(eq(links.codeKey, sql.placeholder('codeKey')))
    .limit(1)
    .prepare(),
);

/** The single lookup the redirect makes: link + partner status + program settings by code. */
export async function findRedirectTarget(db: Db, codeKey: string) {
  const [row] = await redirectTargetQuery(db).all({ codeKey });
  return row ?? null;
}

/**
 * A link's all-time counts, from the daily rollups written in the same batch as its clicks (the
 * partner's rows of the `link` dimension): cost follows days x the partner's links, not clicks.
 */
export async function linkStats(db: Db, link: { id: string; partnerId: string }) {
  const [row] = await db
    .select({
      clicks: sql<number>`coalesce(sum(${dailyRollups.clicks}), 0)`,
      uniqueClicks: sql<number>`coalesce(sum(${dailyRollups.uniqueClicks}), 0)`,
      botClicks: sql<number>`coalesce(sum(${dailyRollups.botClicks}), 0)`,
    })
    .from(dailyRollups)
    .where(and(eq(dailyRollups.partnerId, link.partnerId), eq(dailyRollups.dim, 'link'), eq(dailyRollups.key, link.id)));
  return { clicks: Number(row?.clicks ?? 0), uniqueClicks: Number(row?.uniqueClicks ?? 0), botClicks: Number(row?.botClicks ?? 0) };
}

/**
 * The links of a program (archived ones included: they can be restored) that may carry a query
 * parameter named `name` (letters, digits, `_`, `-`), by their url or, for a `utm_*` name, their
 * utm: a superset for the caller to check exactly. LIKE ignores ASCII case and its `_` matches any
 * one character (`ref.id`, `REF+ID` for `ref_id`); a url with a `%` may spell the name encoded.
 */
export async function linksMaybeNaming(db: Db, programId: string, name: string) {
  const utmName = /^utm_/i.test(name);
  return db
    .select({ id: links.id, url: links.url, utm: links.utm })
    .from(partners)
    .innerJoin(links, eq(links.partnerId, partners.id))
    .where(and(eq(partners.programId, programId), or(like(links.url, `%${name}%`), sql`instr(${links.url}, '%') > 0`, utmName ? isNotNull(links.utm) : undefined)))
    .orderBy(links.id);
}
