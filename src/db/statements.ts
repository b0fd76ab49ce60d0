import { getTableColumns } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Client, InValue } from '@libsql/client';
import type { Db } from './client';

/** A statement with bound parameters, as both engines take it. */
export interface RawStatement {
  readonly sql: string;
  readonly args: InValue[];
}

/** What a batch is made of: drizzle query builders, or statements compiled here. */
export type Statement = BatchItem<'sqlite'> | RawStatement;

type Built = { toSQL(): { sql: string; params: unknown[] } };

const columnsOf = new WeakMap<SQLiteTable, [string, SQLiteColumn][]>();
const texts = new Map<string, string>();

/** Row values in the table's column order, each mapped as drizzle maps it (Date → ms, boolean → 0/1, json → text). */
function valuesOf(table: SQLiteTable, rows: readonly object[]): InValue[] {
  let columns = columnsOf.get(table);
  if (!columns) columnsOf.set(table, (columns = Object.entries(getTableColumns(table)) as [string, SQLiteColumn][]));
  const out: InValue[] = [];
  for (const row of rows) {
    for (const [key, col] of columns) {
      const v = (row as Record<string, unknown>)[key];
      out.push(v === null || v === undefined ? null : (col.mapToDriverValue(v) as InValue));
    }
  }
  return out;
}

/**
 * An INSERT of full rows (every column given), optionally with drizzle's ON CONFLICT clause, without
 * building it with drizzle each time: drizzle builds it once per `shape` and row count (the SQL text
 * depends on nothing else) and only the parameters are mapped per call. The first build also checks
 * that the parameters mapped here are exactly drizzle's, so the two can never drift apart.
 * `extra` are the parameters of the conflict clause, after the row values.
 */
export function compiledInsert(shape: string, table: SQLiteTable, rows: readonly object[], build: () => Built, extra: InValue[] = []): RawStatement {
  const key = `${shape}\u0000${rows.length}`;
  const args = valuesOf(table, rows);
  if (extra.length > 0) args.push(...extra);
  let sql = texts.get(key);
  if (sql === undefined) {
    const q = build().toSQL();
    if (q.params.length !== args.length || q.params.some((v, i) => v !== args[i])) throw new Error(`compiledInsert(${shape}): parameters differ from drizzle's`);
    texts.set(key, (sql = q.sql));
  }
  return { sql, args };
}

/** A statement as SQL text and parameters (drizzle builders are built here). */
export function toRaw(s: Statement): RawStatement {
  if ('args' in s && typeof (s as RawStatement).sql === 'string') return s as RawStatement;
  const q = (s as unknown as Built).toSQL();
  return { sql: q.sql, args: q.params as InValue[] };
}

interface D1Like {
  prepare(sql: string): { bind(...values: unknown[]): unknown };
  batch(statements: unknown[]): Promise<unknown>;
}

/**
 * Runs statements as ONE atomic batch on either engine: libSQL `batch(…, 'write')` (BEGIN IMMEDIATE
 * … COMMIT) or D1 `batch()` (one implicit transaction). A failing statement rolls back all of them.
 * Drizzle's own `db.batch()` would rebuild every builder; this takes compiled statements as they are.
 */
export async function executeBatch(db: Db, statements: readonly Statement[]): Promise<void> {
  if (statements.length === 0) return;
  const raw = statements.map(toRaw);
  const client = (db as unknown as { $client: Client | D1Like }).$client;
  if (typeof (client as Client).protocol === 'string') {
    await (client as Client).batch(raw, 'write');
  } else {
    const d1 = client as D1Like;
    await d1.batch(raw.map((s) => d1.prepare(s.sql).bind(...s.args)));
  }
}
