import type { Db } from '../db/client';
import { runScheduledJobs } from './run-scheduled-jobs';

/** How soon after start Node runs the jobs first: after start-up, not one whole interval later. */
export const FIRST_RUN_AFTER_MS = 1_000;

/**
 * Node's counterpart of the Workers cron: runScheduledJobs once FIRST_RUN_AFTER_MS after this call
 * (the caller has migrated the database and listens by then; start-up does not wait for it), then
 * every `everyMs`. Neither timer keeps the process alive; a failed run is logged and the next one
 * tries again. Returns stop().
 */
export function startJobTimer(db: Db, everyMs: number): () => void {
  const run = () => {
    runScheduledJobs(db, new Date()).catch((err: unknown) => console.error('scheduled job failed', String(err)));
  };
  const first = setTimeout(run, FIRST_RUN_AFTER_MS);
  const every = setInterval(run, everyMs);
  first.unref();
  every.unref();
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}
