import { and, getTableColumns, inArray, sql } from 'drizzle-orm';
import type { Client, InStatement, InValue } from '@libsql/client';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { errorText, type Db } from '../client';
import { clicks } from '../schema';
import { chunk } from '../../lib/chunk';
import { inArgs, inList, perDbAndSize } from '../prepared';
import { executeBatch, toRaw, type RawStatement, type Statement } from '../statements';

export type ClickRow = typeof clicks.$inferSelect;

const COLUMNS = 15;
/** D1 binds at most 100 parameters per statement. */
const ROWS_PER_INSERT = Math.floor(100 / COLUMNS);
/** A guarded row binds 4 values for is_unique (its flag, visitor and link again, window start): 3 more. */
const GUARDED_ROWS_PER_INSERT = Math.floor(100 / (COLUMNS + 3));
const KEYS_PER_QUERY = 90;
/** libSQL binds up to 32766 parameters; 50, 200 and 1000 rows a statement measured alike. */
const LIBSQL_ROWS_PER_INSERT = 200;

// Built once per chunk size (drizzle renders an IN list of 90 in about a millisecond: per batch of
// new visitors that was ~2.4 µs a click on the writer).
const lastUniqueQuery = perDbAndSize((db, n) =>
  db
    .select({ linkId: clicks.linkId, visitorHash: clicks.visitorHash, at: sql<number>`max(${clicks.createdAt})` })
    .from(clicks)
    // A literal 1, not a bound parameter: only then can SQLite use the partial index.
    .where(and(inArray(clicks.visitorHash, inList(n)), sql`${clicks.unique} = 1`))
    .groupBy(clicks.linkId, clicks.visitorHash)
    .prepare(),
);

/** Last unique click time per (link, visitor) among the given visitor hashes. */
export async function lastUniqueClicks(db: Db, visitorHashes: readonly string[]): Promise<Map<string, number>> {
  const last = new Map<string, number>();
  for (const part of chunk([...new Set(visitorHashes)], KEYS_PER_QUERY)) {
    for (const r of await lastUniqueQuery(db, part.length).all(inArgs(part))) last.set(`${r.linkId}|${r.visitorHash}`, Number(r.at));
  }
  return last;
}

export interface InsertClicksOptions {
  /**
   * The libSQL client behind `db` (Node). Clicks then go as plain multi-row SQL, 200 rows a
   * statement, skipping drizzle's per-row query building (about half the writer's CPU per click);
   * same rows, same single transaction. Never for D1 (100 bound parameters per statement).
   */
  libsql?: Client;
  /**
   * Per row, the start of its dedup window (createdAt − window, ms). When given, every row flagged
   * unique is written on condition that no unique click of the same visitor on the same link created
   * after that start is stored by then: a writer that may race another (Workers, WORKERS > 1).
   */
  dedupSince?: readonly number[];
}

/**
 * Inserts clicks together with `extra` statements (their rollups) in one batch. A click id that is
 * already stored fails the whole batch, so its rollups can never be counted twice; the caller
 * filters stored ids and tries again. With `dedupSince`, so does a unique row that another writer
 * made a repeat since the caller read (isDedupConflict): the caller reads again and tries again.
 */
export async function insertClicks(db: Db, rows: readonly ClickRow[], extra: Statement[] = [], opts: InsertClicksOptions = {}): Promise<void> {
  const since = opts.dedupSince;
  // Guarded, every row goes through the same statement shape, so rows keep their order.
  const inserts = since
    ? chunk(rows.map((r, i) => [r, since[i]!] as const), opts.libsql ? LIBSQL_ROWS_PER_INSERT : GUARDED_ROWS_PER_INSERT).map(guardedInsert)
    : null;
  if (opts.libsql) {
    const statements = [...(inserts ?? chunk(rows, LIBSQL_ROWS_PER_INSERT).map(rawInsert)), ...extra.map(toRaw)];
    // 'write' = BEGIN IMMEDIATE: the whole batch is one transaction, as db.batch makes it.
    if (statements.length > 0) await opts.libsql.batch(statements, 'write');
    return;
  }
  await executeBatch(db, [...(inserts ?? chunk(rows, ROWS_PER_INSERT).map((part) => db.insert(clicks).values(part))), ...extra]);
}

// The SQL drizzle would build for `insert into clicks values (...)`, from the schema: every
// column, in table order, each value mapped as drizzle maps it (Date → ms, boolean → 0/1).
// compiledInsert (db/statements.ts) does the same for every table; the click writer keeps this
// copy for clicks alone because it measured ~8% less CPU per click (its mapping loop only ever
// sees click rows), and test/clicks/libsql-fast-path.test.ts holds it equal to drizzle's path.
const columns = Object.entries(getTableColumns(clicks)) as [keyof ClickRow, SQLiteColumn][];
const rowPlaceholders = `(${columns.map(() => '?').join(', ')})`;
const insertHead = `insert into "clicks" (${columns.map(([, c]) => `"${c.name}"`).join(', ')}) values `;
const insertSql = new Map<number, string>();

function rawInsert(part: readonly ClickRow[]): InStatement {
  let text = insertSql.get(part.length);
  if (!text) insertSql.set(part.length, (text = insertHead + Array(part.length).fill(rowPlaceholders).join(', ')));
  const args: InValue[] = [];
  for (const row of part) {
    for (const [key, col] of columns) {
      const v = row[key];
      args.push(v === null || v === undefined ? null : (col.mapToDriverValue(v) as InValue));
    }
  }
  return { sql: text, args };
}

// is_unique decided in the insert itself: a row judged a repeat stays 0; a row judged unique is
// NULL (so the statement, and with it the whole batch and its rollups, fails on NOT NULL) when a
// unique click of the same visitor on the same link inside its window is stored by then. One
// statement is atomic on D1 and in libSQL's write transaction, so two writers that both read "no
// earlier unique click" cannot both store one; the loser re-reads and stores a repeat. CASE stops
// at the first true WHEN: a repeat never runs the probe. The probe is the partial index's (literal 1).
const GUARD = `(case when ? = 0 then 0 when exists (select 1 from "clicks" where "visitor_hash" = ? and "link_id" = ? and "is_unique" = 1 and "created_at" > ?) then null else 1 end)`;
const guardedPlaceholders = `(${columns.map(([key]) => (key === 'unique' ? GUARD : '?')).join(', ')})`;
const guardedSql = new Map<number, string>();

function guardedInsert(part: readonly (readonly [ClickRow, number])[]): RawStatement {
  let text = guardedSql.get(part.length);
  if (!text) guardedSql.set(part.length, (text = insertHead + Array(part.length).fill(guardedPlaceholders).join(', ')));
  const args: InValue[] = [];
  for (const [row, since] of part) {
    for (const [key, col] of columns) {
      if (key === 'unique') args.push(row.unique ? 1 : 0, row.visitorHash, row.linkId, since);
      else {
        const v = row[key];
        args.push(v === null || v === undefined ? null : (col.mapToDriverValue(v) as InValue));
      }
    }
  }
  return { sql: text, args };
}

/** True when a guarded unique row failed because another writer stored the visitor's unique click first. */
export function isDedupConflict(err: unknown): boolean {
  return /NOT NULL constraint failed: clicks\.is_unique/i.test(errorText(err));
}
