import type { LibSQLDatabase } from 'drizzle-orm/libsql';
import * as schema from './schema';

export { schema };
export type Schema = typeof schema;

/**
 * The database handle every area uses. Both engines (libSQL and D1) are drizzle's async SQLite
 * dialect with the same query builder and `batch()`; D1's handle is typed as this one at the one
 * place it is built (see `worker.ts`), so domain code never branches on the engine.
 */
export type Db = LibSQLDatabase<Schema>;

/** Rows changed by a write, whichever engine ran it (libSQL: rowsAffected, D1: meta.changes). */
export function rowsAffected(result: unknown): number {
  const r = result as { rowsAffected?: number; meta?: { changes?: number } };
  return r.rowsAffected ?? r.meta?.changes ?? 0;
}

/** True when a write failed on a UNIQUE/PRIMARY KEY constraint (message differs per engine). */
export function isUniqueViolation(err: unknown): boolean {
  const text = errorText(err);
  return /UNIQUE constraint failed|SQLITE_CONSTRAINT_UNIQUE|SQLITE_CONSTRAINT_PRIMARYKEY/i.test(text);
}

export function errorText(err: unknown): string {
  let text = '';
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    text += ` ${(e as Error).message ?? String(e)}`;
    e = (e as { cause?: unknown }).cause;
  }
  return text;
}
