import type { AppDeps } from '../env';
import { runScheduledJobs } from './run-scheduled-jobs';

/** How soon after start Node runs the jobs first: after start-up, not one whole interval later. */
export const FIRST_RUN_AFTER_MS = 1_000;

/**
 * Node's counterpart of the Workers cron: runScheduledJobs once `firstRunAfterMs` after this call
 * (the caller has migrated the database and listens by then; start-up does not wait for it), then
 * every `everyMs`. Each run is as of `deps.clock()`, the app's clock, so a test that sets the clock
 * drives the timer as it drives requests. Neither timer keeps the process alive; a failed run is
 * logged and the next one tries again. Returns stop().
 */
export function startJobTimer(deps: Pick<AppDeps, 'db' | 'clock' | 'config'>, everyMs: number, firstRunAfterMs = FIRST_RUN_AFTER_MS): () => void {
  const run = () => {
    runScheduledJobs(deps.db, deps.clock(), { config: deps.config }).catch((err: unknown) => console.error('scheduled job failed', String(err)));
  };
  const first = setTimeout(run, firstRunAfterMs);
  const every = setInterval(run, everyMs);
  first.unref();
  every.unref();
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}
