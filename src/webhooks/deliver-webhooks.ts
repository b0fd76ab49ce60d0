import type { Db } from '../db/client';
import { claimDueWebhookDeliveries, finishWebhookAttempt, findWebhookEndpoints, type WebhookDeliveryRow, type WebhookEndpointRow } from '../db/queries/webhooks';
import { nextAttemptAfterFailure } from './next-attempt';
import { deriveWebhookSecret, signatureHeader } from './sign-webhook';
import { renderWebhookBody } from './payout-webhooks';

/** How long one POST may take; slower is a failed attempt (`timeout`). */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** Deliveries one run attempts at most (at once); the rest wait for the next run. */
export const WEBHOOKS_PER_RUN = 50;
/** A claimed row is locked this long past the timeout before another runner may claim it again. */
const LOCK_MARGIN_MS = 60_000;

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface DeliveryRun {
  attempted: number;
  delivered: number;
  failed: number;
}

/**
 * Delivers the deliveries due at `now` (pending, next attempt reached, endpoint active): claims at
 * most `limit` in one conditional UPDATE (claimDueWebhookDeliveries) so runners never share an
 * attempt, POSTs each body signed with its endpoint's current secret, and records the outcome: a 2xx
 * is delivered, anything else (3xx included: redirects are not followed) waits RETRY_DELAYS_MS or,
 * after the last attempt, is `failed`. Logs carry ids and outcomes only — never URLs, secrets or bodies.
 */
export async function deliverDueWebhooks({ db, now, rootKey, fetch = globalThis.fetch, limit = WEBHOOKS_PER_RUN, timeoutMs = WEBHOOK_TIMEOUT_MS }: { db: Db; now: Date; rootKey: string; fetch?: FetchLike; limit?: number; timeoutMs?: number }): Promise<DeliveryRun> {
  const claimed = await claimDueWebhookDeliveries(db, now, new Date(now.getTime() + timeoutMs + LOCK_MARGIN_MS), limit);
  if (claimed.length === 0) return { attempted: 0, delivered: 0, failed: 0 };
  const endpoints = new Map((await findWebhookEndpoints(db, [...new Set(claimed.map((d) => d.endpointId))])).map((e) => [e.id, e]));
  const results = await Promise.all(claimed.map((d) => attempt(db, d, endpoints.get(d.endpointId), now, rootKey, fetch, timeoutMs)));
  return { attempted: claimed.length, delivered: results.filter((r) => r === 'delivered').length, failed: results.filter((r) => r === 'failed').length };
}

async function attempt(db: Db, d: WebhookDeliveryRow, endpoint: WebhookEndpointRow | undefined, now: Date, rootKey: string, fetch: FetchLike, timeoutMs: number) {
  let statusCode: number | null = null;
  let error: string | null = null;
  if (!endpoint) error = 'endpoint_deleted';
  else {
    const t = Math.floor(now.getTime() / 1000);
    try {
      const secret = await deriveWebhookSecret(rootKey, endpoint.id, endpoint.secretVersion);
      const body = renderWebhookBody(d.eventType, d.payload);
      const res = await fetch(endpoint.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'reflink-webhooks/1',
          'reflink-signature': await signatureHeader(secret, t, body),
          'reflink-event-id': d.eventId,
          'reflink-event-type': d.eventType,
          'reflink-delivery-id': d.id,
        },
        body,
      });
      statusCode = res.status;
      await res.body?.cancel().catch(() => {});
      if (res.status < 200 || res.status > 299) error = `http_${res.status}`;
    } catch (err) {
      // The category only: a network error's text can carry the receiver's address.
      error = (err as Error)?.name === 'TimeoutError' || (err as Error)?.name === 'AbortError' ? 'timeout' : 'network_error';
    }
  }
  if (error === null) {
    await finishWebhookAttempt(db, d.id, d.attempts, { status: 'delivered', nextAttemptAt: now, statusCode, error: null, deliveredAt: now });
    return 'delivered';
  }
  const next = nextAttemptAfterFailure(d.attempts, now);
  await finishWebhookAttempt(db, d.id, d.attempts, { status: next ? 'pending' : 'failed', nextAttemptAt: next ?? now, statusCode, error, deliveredAt: null });
  console.warn('webhook delivery failed', { deliveryId: d.id, endpointId: d.endpointId, eventType: d.eventType, attempt: d.attempts, error, final: next === null });
  return next ? 'retrying' : 'failed';
}
