import type { AppDeps } from '../env';
import { hasDueWebhookDelivery } from '../db/queries/webhooks';
import { deliverDueWebhooks } from './deliver-webhooks';
import { webhookRootKey } from './root-key';

/**
 * One delivery run right after a write, so events need not wait for the periodic job: a cheap
 * read of the partial due index first (most requests queue nothing), then deliverDueWebhooks,
 * whose claims keep it from sending what the job or another request's run is sending.
 */
export async function deliverIfDue(deps: Pick<AppDeps, 'db' | 'clock' | 'config'>): Promise<void> {
  const rootKey = webhookRootKey(deps.config);
  if (rootKey === null) return;
  const now = deps.clock();
  if (!(await hasDueWebhookDelivery(deps.db, now))) return;
  await deliverDueWebhooks({ db: deps.db, now, rootKey });
}

/**
 * Node's kick: at most one run at a time in this process; kicks during a run make one more run
 * after it (so nothing queued meanwhile waits for the timer). Failures are logged, never thrown.
 */
export function singleFlightKick(run: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const loop = async () => {
    running = true;
    try {
      do {
        again = false;
        await run();
      } while (again);
    } catch (err) {
      console.error('webhook delivery after a request failed', String(err));
    } finally {
      running = false;
    }
  };
  return () => {
    if (running) again = true;
    else void loop();
  };
}

/** The routes whose writes can queue webhooks: tracking, payout builds, mark-paid and cancel. */
export const QUEUES_WEBHOOKS = /^\/v1\/(track\/|payouts\/[^/]+\/(mark-paid|cancel)$|programs\/[^/]+\/payouts$)/;
