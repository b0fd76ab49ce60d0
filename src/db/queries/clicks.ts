import { and, eq, inArray, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../client';
import { clicks } from '../schema';
import { chunk } from '../../lib/chunk';

export type ClickRow = typeof clicks.$inferSelect;

const COLUMNS = 15;
/** D1 binds at most 100 parameters per statement. */
const ROWS_PER_INSERT = Math.floor(100 / COLUMNS);
const KEYS_PER_QUERY = 90;


/** Last unique click time per (link, visitor) among the given visitor hashes. */
export async function lastUniqueClicks(db: Db, visitorHashes: readonly string[]): Promise<Map<string, number>> {
  const last = new Map<string, number>();
  for (const part of chunk([...new Set(visitorHashes)], KEYS_PER_QUERY)) {
    const rows = await db
      .select({ linkId: clicks.linkId, visitorHash: clicks.visitorHash, at: sql<number>`max(${clicks.createdAt})` })
      .from(clicks)
      .where(and(inArray(clicks.visitorHash, part), eq(clicks.unique, true)))
      .groupBy(clicks.linkId, clicks.visitorHash);
    for (const r of rows) last.set(`${r.linkId}|${r.visitorHash}`, Number(r.at));
  }
  return last;
}

/**
 * Inserts clicks together with `extra` statements (their rollups) in one batch. A click id that is
 * already stored fails the whole batch, so its rollups can never be counted twice; the caller
 * filters stored ids and tries again.
 */
export async function insertClicks(db: Db, rows: readonly ClickRow[], extra: BatchItem<'sqlite'>[] = []): Promise<void> {
  const statements = [...chunk(rows, ROWS_PER_INSERT).map((part) => db.insert(clicks).values(part)), ...extra];
  const [first, ...rest] = statements;
  if (!first) return;
  await db.batch([first, ...rest]);
}
