import { and, eq, isNull, sql } from 'drizzle-orm';
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
const completeQuery = perDb((db) =>
  db
    .update(idempotencyKeys)
    .set({ status: sql`${sql.placeholder('status')}`, response: sql`${sql.placeholder('response')}` })
    .where(and(eq(idempotencyKeys.key, sql.placeholder('key')), isNull(idempotencyKeys.status)))
    .prepare(),
);
const releaseQuery = perDb((db) => db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.key, sql.placeholder('key')), isNull(idempotencyKeys.status))).prepare());

export async function findIdempotencyKey(db: Db, key: string) {
  const [row] = await findQuery(db).all({ key });
  return row ?? null;
}

/** Claims a key; false when someone already holds it. */
export async function claimIdempotencyKey(db: Db, key: string, requestHash: string, now: Date): Promise<boolean> {
  const rows = await claimQuery(db).all({ key, requestHash, now });
  return rows.length > 0;
}

export async function completeIdempotencyKey(db: Db, key: string, status: number, response: string) {
  await completeQuery(db).run({ key, status, response });
}

export async function releaseIdempotencyKey(db: Db, key: string) {
  await releaseQuery(db).run({ key });
}
