import { and, eq, getTableColumns, isNotNull, like, or, sql, type SQL } from 'drizzle-orm';
import { rowsAffected, type Db } from '../client';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { perDb } from '../prepared';
import { dailyRollups, links, partners, programs } from '../schema';
import { cursorWhere, newestFirst } from '../../lib/pagination';
import type { LinkRow } from './partners';

export async function insertLink(db: Db, row: LinkRow) {
  await db.insert(links).values(row);
}

/** True while the program's click_id_param is still `clickIdParam` (what a link's check used). */
function clickIdParamStill(programId: string, clickIdParam: string): SQL {
  return sql`exists (select 1 from ${programs} where ${programs.id} = ${programId} and ${programs.clickIdParam} = ${clickIdParam})`;
}

/**
 * `INSERT INTO <table> SELECT <row> FROM programs WHERE id = <programId> AND click_id_param = <clickIdParam> [AND <guard>]`:
 * writes `row` only while the program's click_id_param is still what its check read (and `guard` holds): one row or none.
 */
export function insertIfClickIdParam(db: Db, table: typeof links | typeof partners, row: Record<string, unknown>, programId: string, clickIdParam: string, guard?: SQL) {
  const values = Object.fromEntries(
    Object.entries(getTableColumns(table)).map(([key, col]) => {
      const v = row[key];
      return [key, (v === null ? sql`null` : sql`${sql.param(v, col)}`).as(key)];
    }),
  ) as Record<string, SQL.Aliased>;
  const picked = db.select(values).from(programs).where(and(eq(programs.id, programId), eq(programs.clickIdParam, clickIdParam), guard));
  return (db.insert(table) as ReturnType<Db['insert']>).select(picked as never);
}

/**
 * Inserts `row` only while its program's click_id_param is still `clickIdParam`
 * (INSERT … SELECT … FROM programs WHERE): false when it was renamed since it was read.
 */
export async function insertLinkIfClickIdParam(db: Db, row: LinkRow, clickIdParam: string): Promise<boolean> {
  return rowsAffected(await insertIfClickIdParam(db, links, row, row.programId, clickIdParam)) === 1;
}

// The links table by its rowid, which drizzle does not map: a builder (unlike db.run) batches on D1 too.
const linkRowids = sqliteTable('links', { rowid: integer('rowid'), id: text('id') });

/**
 * Updates a link's url/utm only while its program's click_id_param is still `clickIdParam`; null
 * when it was renamed since (or the link is gone). The row also moves to a new, highest rowid, so
 * a clickIdParam rename that scanned the links before this write sees it (`noLinkMayNameSince`).
 */
export async function updateLinkIfClickIdParam(db: Db, link: { id: string; programId: string }, patch: Partial<LinkRow>, clickIdParam: string): Promise<LinkRow | null> {
  const where = and(eq(links.id, link.id), clickIdParamStill(link.programId, clickIdParam));
  const [rows] = await db.batch([
    db.update(links).set(patch).where(where).returning(),
    db.update(linkRowids).set({ rowid: sql`(select max(rowid) + 1 from ${links})` }).where(where),
  ]);
  return rows[0] ?? null;
}

/**
 * The highest rowid of links. A link inserted later gets a higher one (rowids grow by one past the
 * largest; links are never deleted), and so does one whose url/utm changes (updateLinkIfClickIdParam).
 */
export async function linksHighWater(db: Db): Promise<number> {
  const [row] = await db.select({ max: sql<number | null>`max(rowid)` }).from(links);
  return Number(row?.max ?? 0);
}

/**
 * True while no link of the program written after `highWater` was read (a higher rowid) may carry
 * a parameter `name` (the superset of linksMaybeNaming): the condition of a clickIdParam rename,
 * whose scan of the links could not see them.
 */
export function noLinkMayNameSince(programId: string, name: string, highWater: number): SQL {
  return sql`not exists (select 1 from ${links} where rowid > ${highWater} and ${links.programId} = ${programId} and ${mayName(name)})`;
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
      cookieDomain: programs.cookieDomain,
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
  return db
    .select({ id: links.id, url: links.url, utm: links.utm })
    .from(partners)
    .innerJoin(links, eq(links.partnerId, partners.id))
    .where(and(eq(partners.programId, programId), mayName(name)))
    .orderBy(links.id);
}

function mayName(name: string): SQL {
  return or(like(links.url, `%${name}%`), sql`instr(${links.url}, '%') > 0`, /^utm_/i.test(name) ? isNotNull(links.utm) : undefined)!;
}
