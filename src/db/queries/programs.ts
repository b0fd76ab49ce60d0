import { and, eq, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { programs } from '../schema';
import { cursorWhere, newestFirst } from '../../lib/pagination';

export type ProgramRow = typeof programs.$inferSelect;

export async function insertProgram(db: Db, row: ProgramRow) {
  await db.insert(programs).values(row);
}

export async function findProgram(db: Db, id: string): Promise<ProgramRow | null> {
  const [row] = await db.select().from(programs).where(eq(programs.id, id)).limit(1);
  return row ?? null;
}

/**
 * Updates the program only while it still has the clickIdParam and defaultUrl its checks read
 * (and `guard`, if any, holds); null when either changed since (or the program is gone).
 */
export async function updateProgramIf(db: Db, current: ProgramRow, patch: Partial<ProgramRow>, guard?: SQL): Promise<ProgramRow | null> {
  const still = and(eq(programs.id, current.id), eq(programs.clickIdParam, current.clickIdParam), eq(programs.defaultUrl, current.defaultUrl), guard);
  const [row] = await db.update(programs).set(patch).where(still).returning();
  return row ?? null;
}

export async function listPrograms(db: Db, limit: number, cursor?: string) {
  return db
    .select()
    .from(programs)
    .where(and(cursorWhere(cursor, programs.createdAt, programs.id)))
    .orderBy(...newestFirst(programs.createdAt, programs.id))
    .limit(limit + 1);
}
