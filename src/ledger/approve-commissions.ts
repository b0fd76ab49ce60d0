import type { Db } from '../db/client';
import { approveDue } from '../db/queries/ledger';

/** The scheduled job (Workers cron, Node interval, or on demand): holds that ended become approved. */
export async function approveCommissions(db: Db, now: Date): Promise<number> {
  return approveDue(db, now);
}
