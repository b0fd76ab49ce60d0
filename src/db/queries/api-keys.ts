import { and, asc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import { decodeCursor } from '../../lib/pagination';
import type { Db } from '../client';
import { perDb } from '../prepared';
import { apiKeys } from '../schema';

// Every request with a stored key looks it up (uncached, so a revocation holds at once).
const activeKeyQuery = perDb((db) =>
  db
    .select({ id: apiKeys.id, scopes: apiKeys.scopes })
    .from(apiKeys)
    .where(and(eq(apiKeys.hash, sql.placeholder('hash')), isNull(apiKeys.revokedAt)))
    .limit(1)
    .prepare(),
);

export async function findActiveKeyByHash(db: Db, hash: string) {
  const [row] = await activeKeyQuery(db).all({ hash });
  return row ?? null;
}

export async function insertApiKey(db: Db, row: typeof apiKeys.$inferInsert) {
  await db.insert(apiKeys).values(row);
}

/**
 * Revokes a key; false when it is unknown, already revoked, or — with `keepLastAdmin` (no root
 * ADMIN_API_KEY configured) — the last active `*` key. One conditional statement, so two admin
 * keys revoking each other at once cannot both succeed and leave nobody able to manage keys.
 */
export async function revokeApiKey(db: Db, id: string, at: Date, keepLastAdmin: boolean): Promise<boolean> {
  const notLastAdmin = sql`(not exists (select 1 from json_each(${apiKeys.scopes}) where value = '*')
    or (select count(*) from api_keys k where k.revoked_at is null and exists (select 1 from json_each(k.scopes) where value = '*')) > 1)`;
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: at })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt), keepLastAdmin ? notLastAdmin : undefined))
    .returning({ id: apiKeys.id });
  return rows.length > 0;
}

export async function getApiKey(db: Db, id: string) {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, id)).limit(1);
  return row ?? null;
}

/**
 * One page of keys, oldest first (the order this list had before it was paged), so `limit + 1` rows
 * after the cursor's (createdAt, id). An admin-only read of a table of a few keys: it scans and
 * sorts api_keys rather than keep an index for it.
 */
export async function listApiKeys(db: Db, limit: number, cursor?: string) {
  return db
    .select()
    .from(apiKeys)
    .where(afterCursor(cursor))
    .orderBy(asc(apiKeys.createdAt), asc(apiKeys.id))
    .limit(limit + 1);
}

// Oldest-first keyset condition; lib/pagination's cursorWhere is its newest-first mirror.
function afterCursor(cursor: string | undefined) {
  if (!cursor) return undefined;
  const { at, id } = decodeCursor(cursor);
  return or(gt(apiKeys.createdAt, at), and(eq(apiKeys.createdAt, at), gt(apiKeys.id, id)));
}

export async function countApiKeys(db: Db): Promise<number> {
  const rows = await db.select({ id: apiKeys.id }).from(apiKeys).limit(1);
  return rows.length;
}
