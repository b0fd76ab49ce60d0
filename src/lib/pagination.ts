import { and, desc, eq, lt, or, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { ApiError } from './errors';

/** Keyset pagination on (createdAt, id), newest first. The cursor is opaque to clients. */
export function encodeCursor(createdAt: Date, id: string): string {
  return btoa(`${createdAt.getTime()}:${id}`).replace(/=+$/, '');
}

export function decodeCursor(cursor: string): { at: Date; id: string } {
  let text = '';
  try {
    text = atob(cursor);
  } catch {
    throw new ApiError('validation_failed', 'cursor: invalid cursor', undefined, 'cursor');
  }
  const m = /^(\d{1,15}):([A-Za-z0-9_]{1,64})$/.exec(text);
  if (!m) throw new ApiError('validation_failed', 'cursor: invalid cursor', undefined, 'cursor');
  return { at: new Date(Number(m[1])), id: m[2]! };
}

export function cursorWhere(cursor: string | undefined, createdCol: SQLiteColumn, idCol: SQLiteColumn): SQL | undefined {
  if (!cursor) return undefined;
  const { at, id } = decodeCursor(cursor);
  return or(lt(createdCol, at), and(eq(createdCol, at), lt(idCol, id)));
}

export const newestFirst = (createdCol: SQLiteColumn, idCol: SQLiteColumn) => [desc(createdCol), desc(idCol)];

/** Turns limit+1 fetched rows into a page with the cursor of the last row shown. */
export function page<T extends { createdAt: Date; id: string }, J>(rows: T[], limit: number, toJson: (row: T) => J) {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown[shown.length - 1];
  return { data: shown.map(toJson), nextCursor: more && last ? encodeCursor(last.createdAt, last.id) : null };
}
