import type { Db } from '../db/client';
import { activeRewardsFor, type RewardRow } from '../db/queries/conversions';
import { findProgram, type ProgramRow } from '../db/queries/programs';
import { LruCache } from '../lib/lru';

/**
 * The tracking path reads the same program and reward rules on every conversion; this keeps them
 * in the isolate for a few seconds. Changes made in this isolate clear it at once; other isolates
 * see a change within `ttlMs` (default 5 s).
 */
export class ProgramCache {
  private readonly programs: LruCache<string, ProgramRow | null>;
  private readonly rules: LruCache<string, RewardRow[]>;

  constructor(ttlMs = 5_000, max = 1_000) {
    this.programs = new LruCache(max, ttlMs);
    this.rules = new LruCache(max * 4, ttlMs);
  }

  async program(db: Db, id: string): Promise<ProgramRow | null> {
    const hit = this.programs.get(id);
    if (hit !== undefined) return hit;
    const row = await findProgram(db, id);
    if (row) this.programs.set(id, row);
    return row;
  }

  async activeRewards(db: Db, programId: string, eventName: string): Promise<RewardRow[]> {
    const key = `${programId}\u0000${eventName}`;
    const hit = this.rules.get(key);
    if (hit !== undefined) return hit;
    const rows = await activeRewardsFor(db, programId, eventName);
    this.rules.set(key, rows);
    return rows;
  }

  clear(): void {
    this.programs.clear();
    this.rules.clear();
  }
}
