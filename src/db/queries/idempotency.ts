import { and, eq, isNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { perDb } from '../prepared';
import { idempotencyKeys } from '../schema';

// Every request with an Idempotency-Key runs two of these: built once per database handle.
const findQuery = perDb((db) => db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, sql.placeholder('key'))).limit(1).prepare());
const claimQuery = perDb((db) =>
  db
    .insert(idempotencyKeys)
    .values({ key: sql.placeholder('key'), requestHash: sql.placeholder('requestHash'), status: null, response: null, createdAt: sql.placeholder('now') })
    .onConflictDoNothing()
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

/** Claims a key; false when someone already holds it. */
export async function claimIdempotencyKey(db: Db, key: string, requestHash: string, now: Date): Promise<boolean> {
  const rows = await claimQuery(db).all({ key, requestHash, now });
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
