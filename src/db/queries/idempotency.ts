import { and, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { perDb } from '../prepared';
import { idempotencyKeys } from '../schema';

// Every request with an Idempotency-Key runs two of these: built once per database handle.
const findQuery = perDb((db) => db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, sql.placeholder('key'))).limit(1).prepare());
// A key free or expired (claimed at or before `expiredBefore`) is claimed in one statement: an
// expired answer is replaced, never replayed, even before the periodic job has deleted it. Nor is
// it claimed while a live row under `heldKey` exists (the key's legacy form, see the middleware):
// one primary-key probe inside the claim, instead of a read of its own before every claim.
const claimQuery = perDb((db) =>
  db
    .insert(idempotencyKeys)
    .select(
      sql`select ${sql.placeholder('key')}, ${sql.placeholder('requestHash')}, null, null, ${sql.placeholder('now')}
        where not exists (select 1 from ${idempotencyKeys} where ${idempotencyKeys.key} = ${sql.placeholder('heldKey')} and ${idempotencyKeys.createdAt} > ${sql.placeholder('expiredBefore')})`,
    )
    .onConflictDoUpdate({
      target: idempotencyKeys.key,
      set: { requestHash: sql`excluded.request_hash`, status: null, response: null, createdAt: sql`excluded.created_at` },
      setWhere: lte(idempotencyKeys.createdAt, sql.placeholder('expiredBefore')),
    })
    .returning({ key: idempotencyKeys.key })
    .prepare(),
);
// A claim is owned by whoever wrote its created_at: a request that outlived its lease and was taken
// over neither stores nor releases the newer claim.
const ownClaim = and(eq(idempotencyKeys.key, sql.placeholder('key')), isNull(idempotencyKeys.status), eq(idempotencyKeys.createdAt, sql.placeholder('claimedAt')));
const completeQuery = perDb((db) =>
  db
    .update(idempotencyKeys)
    .set({ status: sql`${sql.placeholder('status')}`, response: sql`${sql.placeholder('response')}` })
    .where(ownClaim)
    .prepare(),
);
const releaseQuery = perDb((db) => db.delete(idempotencyKeys).where(ownClaim).prepare());
const takeOverQuery = perDb((db) =>
  db
    .update(idempotencyKeys)
    .set({ createdAt: sql`${sql.placeholder('now')}` })
    .where(
      and(
        eq(idempotencyKeys.key, sql.placeholder('key')),
        isNull(idempotencyKeys.status),
        eq(idempotencyKeys.requestHash, sql.placeholder('requestHash')),
        lte(idempotencyKeys.createdAt, sql.placeholder('staleBefore')),
      ),
    )
    .returning({ key: idempotencyKeys.key })
    .prepare(),
);

export async function findIdempotencyKey(db: Db, key: string) {
  const [row] = await findQuery(db).all({ key });
  return row ?? null;
}

/**
 * Claims a key that is free or was claimed at or before `expiredBefore`; false when someone holds
 * it, or when `heldKey` (if given) was claimed after `expiredBefore`.
 */
export async function claimIdempotencyKey(db: Db, key: string, requestHash: string, now: Date, expiredBefore: Date, heldKey: string | null = null): Promise<boolean> {
  const rows = await claimQuery(db).all({ key, requestHash, now: now.getTime(), heldKey, expiredBefore: expiredBefore.getTime() });
  return rows.length > 0;
}

/**
 * Takes over a claim whose request never stored an answer (claimed at or before `staleBefore`, same
 * body): the claim is renewed as of `now`, in one conditional statement, so one retry wins it.
 */
export async function takeOverIdempotencyKey(db: Db, key: string, requestHash: string, now: Date, staleBefore: Date): Promise<boolean> {
  const rows = await takeOverQuery(db).all({ key, requestHash, now: now.getTime(), staleBefore: staleBefore.getTime() });
  return rows.length > 0;
}

export async function completeIdempotencyKey(db: Db, key: string, claimedAt: Date, status: number, response: string) {
  await completeQuery(db).run({ key, claimedAt: claimedAt.getTime(), status, response });
}

export async function releaseIdempotencyKey(db: Db, key: string, claimedAt: Date) {
  await releaseQuery(db).run({ key, claimedAt: claimedAt.getTime() });
}

/**
 * Deletes at most `limit` keys claimed at or before `before` (one statement; the created_at index
 * finds them). Returns how many went, so a caller deletes in chunks until fewer than `limit` go.
 */
export async function deleteIdempotencyKeysBefore(db: Db, before: Date, limit: number): Promise<number> {
  const due = db.select({ key: idempotencyKeys.key }).from(idempotencyKeys).where(lte(idempotencyKeys.createdAt, before)).limit(limit);
  const rows = await db.delete(idempotencyKeys).where(inArray(idempotencyKeys.key, due)).returning({ key: idempotencyKeys.key });
  return rows.length;
}
