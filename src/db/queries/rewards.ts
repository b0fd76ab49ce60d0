import { and, eq } from 'drizzle-orm';
import type { Db } from '../client';
import { rewards } from '../schema';
import type { RewardRow } from './conversions';

export async function insertReward(db: Db, row: RewardRow) {
  await db.insert(rewards).values(row);
}

export async function findReward(db: Db, programId: string, id: string): Promise<RewardRow | null> {
  const [row] = await db.select().from(rewards).where(and(eq(rewards.programId, programId), eq(rewards.id, id))).limit(1);
  return row ?? null;
}

export async function updateReward(db: Db, id: string, patch: Partial<RewardRow>): Promise<RewardRow | null> {
  const [row] = await db.update(rewards).set(patch).where(eq(rewards.id, id)).returning();
  return row ?? null;
}

export async function listRewards(db: Db, programId: string) {
  return db.select().from(rewards).where(eq(rewards.programId, programId)).orderBy(rewards.createdAt, rewards.id);
}
