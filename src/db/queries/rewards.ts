import { and, asc, count, eq, gt, lt, ne, notExists, or, sql } from 'drizzle-orm';
import { decodeCursor } from '../../lib/pagination';
import type { Db } from '../client';
import { errorText } from '../client';
import { executeBatch } from '../statements';
import { rewardCounters, rewards } from '../schema';
import type { RewardRow } from './conversions';

/** The program's active rules, counted inside a statement (not `id`'s own row when given). */
function activeCount(programId: string, exceptId?: string) {
  return sql`(select count(*) from ${rewards} where ${rewards.programId} = ${programId} and ${rewards.active} = 1${exceptId ? sql` and ${rewards.id} <> ${exceptId}` : sql``})`;
}

/**
 * Inserts a rule; an active one only while the program keeps at most `maxActive` active rules,
 * checked in the same batch (a guard nulls the new row's NOT NULL program_id past the limit, which
 * rolls the insert back), so two simultaneous creations cannot both pass. False when refused.
 */
export async function insertReward(db: Db, row: RewardRow, maxActive: number): Promise<boolean> {
  if (!row.active) {
    await db.insert(rewards).values(row);
    return true;
  }
  const guard = db
    .update(rewards)
    .set({ programId: sql`null` })
    .where(and(eq(rewards.id, row.id), sql`${activeCount(row.programId)} > ${maxActive}`));
  try {
    await executeBatch(db, [db.insert(rewards).values(row), guard]);
    return true;
  } catch (err) {
    if (/NOT NULL constraint failed: rewards\.program_id/i.test(errorText(err))) return false;
    throw err;
  }
}

/** How many active rules the program has, besides `exceptId`. */
export async function countActiveRewards(db: Db, programId: string, exceptId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(rewards)
    .where(and(eq(rewards.programId, programId), eq(rewards.active, true), ne(rewards.id, exceptId)));
  return row?.n ?? 0;
}

export async function findReward(db: Db, programId: string, id: string): Promise<RewardRow | null> {
  const [row] = await db.select().from(rewards).where(and(eq(rewards.programId, programId), eq(rewards.id, id))).limit(1);
  return row ?? null;
}

/**
 * Updates a rule; with `unlessCounted`, only while no counter of the rule exists (its keys all start
 * with `<rule id>|`); with `maxActive` (a rule set active), only while it is already active or the
 * program's other active rules number fewer. Both are checked in the same statement. Null when nothing was updated.
 */
export async function updateReward(
  db: Db,
  programId: string,
  id: string,
  patch: Partial<RewardRow>,
  opts: { unlessCounted?: boolean; maxActive?: number } = {},
): Promise<RewardRow | null> {
  const counted = db
    .select({ key: rewardCounters.key })
    .from(rewardCounters)
    .where(and(gt(rewardCounters.key, `${id}|`), lt(rewardCounters.key, `${id}}`)));
  const [row] = await db
    .update(rewards)
    .set(patch)
    .where(
      and(
        eq(rewards.id, id),
        eq(rewards.programId, programId),
        opts.unlessCounted ? notExists(counted) : undefined,
        // Checked against the row as it is now, not as the caller read it: a rule read as active may
        // have been switched off (and its place taken) meanwhile.
        opts.maxActive !== undefined ? sql`(${rewards.active} = 1 or ${activeCount(programId, id)} < ${opts.maxActive})` : undefined,
      ),
    )
    .returning();
  return row ?? null;
}

/**
 * One page of the program's rules, oldest first (the order this list had before it was paged), so
 * `limit + 1` rows after the cursor's (createdAt, id). Searches rewards_program_event_idx by program
 * and sorts that program's rules (at most 150 active, plus any switched off) in a temp B-tree: ~1 ms
 * a page at 2,000 rules, 5 ms at 10,000, so no index of its own.
 */
export async function listRewards(db: Db, programId: string, limit: number, cursor?: string) {
  return db
    .select()
    .from(rewards)
    .where(and(eq(rewards.programId, programId), afterCursor(cursor)))
    .orderBy(asc(rewards.createdAt), asc(rewards.id))
    .limit(limit + 1);
}

// Oldest-first keyset condition; lib/pagination's cursorWhere is its newest-first mirror.
function afterCursor(cursor: string | undefined) {
  if (!cursor) return undefined;
  const { at, id } = decodeCursor(cursor);
  return or(gt(rewards.createdAt, at), and(eq(rewards.createdAt, at), gt(rewards.id, id)));
}
