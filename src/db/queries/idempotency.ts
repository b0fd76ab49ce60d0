import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../client';
import { idempotencyKeys } from '../schema';

export async function findIdempotencyKey(db: Db, key: string) {
  const [row] = await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key)).limit(1);
  return row ?? null;
}

/** Claims a key; false when someone already holds it. */
export async function claimIdempotencyKey(db: Db, key: string, requestHash: string, now: Date): Promise<boolean> {
  const rows = await db
    .insert(idempotencyKeys)
    .values({ key, requestHash, status: null, response: null, createdAt: now })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  return rows.length > 0;
}

export async function completeIdempotencyKey(db: Db, key: string, status: number, response: string) {
  await db.update(idempotencyKeys).set({ status, response }).where(and(eq(idempotencyKeys.key, key), isNull(idempotencyKeys.status)));
}

export async function releaseIdempotencyKey(db: Db, key: string) {
  await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.key, key), isNull(idempotencyKeys.status)));
}
