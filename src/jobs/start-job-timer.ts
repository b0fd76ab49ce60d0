import type { Db } from '../db/client';
import { runScheduledJobs } from './run-scheduled-jobs';

/**
 * Node's counterpart of the Workers cron: runScheduledJobs every `everyMs`. The timer does not
 * keep the process alive; a failed run is logged and the next one tries again. Returns stop().
 */
export function startJobTimer(db: Db, everyMs: number): () => void {
  const run = () => {
    runScheduledJobs(db, new Date()).catch((err: unknown) => console.error('scheduled job failed', String(err)));
  };
  const every = setInterval(run, everyMs);
  every.unref();
  return () => clearInterval(every);
}
