import { and, eq } from 'drizzle-orm';
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

export async function updateProgram(db: Db, id: string, patch: Partial<ProgramRow>): Promise<ProgramRow | null> {
  const [row] = await db.update(programs).set(patch).where(eq(programs.id, id)).returning();
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
