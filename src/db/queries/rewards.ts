import { and, eq, gt, lt, notExists } from 'drizzle-orm';
import type { Db } from '../client';
import { rewardCounters, rewards } from '../schema';
import type { RewardRow } from './conversions';

export async function insertReward(db: Db, row: RewardRow) {
  await db.insert(rewards).values(row);
}

export async function findReward(db: Db, programId: string, id: string): Promise<RewardRow | null> {
  const [row] = await db.select().from(rewards).where(and(eq(rewards.programId, programId), eq(rewards.id, id))).limit(1);
  return row ?? null;
}

/**
 * Updates a rule; with `unlessCounted`, only while no counter of the rule exists (its keys all start
 * with `<rule id>|`), checked in the same statement. Null when nothing was updated.
 */
export async function updateReward(db: Db, id: string, patch: Partial<RewardRow>, opts: { unlessCounted?: boolean } = {}): Promise<RewardRow | null> {
  const counted = db
    .select({ key: rewardCounters.key })
    .from(rewardCounters)
    .where(and(gt(rewardCounters.key, `${id}|`), lt(rewardCounters.key, `${id}}`)));
  const [row] = await db
    .update(rewards)
    .set(patch)
    .where(and(eq(rewards.id, id), opts.unlessCounted ? notExists(counted) : undefined))
    .returning();
  return row ?? null;
}

export async function listRewards(db: Db, programId: string) {
  return db.select().from(rewards).where(eq(rewards.programId, programId)).orderBy(rewards.createdAt, rewards.id);
}
