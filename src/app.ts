import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import type { AppDeps, AppEnv } from './env';
import { ApiError, errorBody, logUnhandled, statusOf, type ErrorCode } from './lib/errors';
import { programRoutes } from './programs/routes';
import { partnerRoutes } from './partners/routes';
import { linkRoutes } from './links/routes';
import { redirectRoutes } from './links/redirect-routes';
import { apiKeyRoutes } from './api-keys/routes';
import { healthRoutes } from './health/routes';
import { trackRoutes } from './conversions/routes';
import { rewardRoutes } from './rewards/routes';
import { ledgerRoutes } from './ledger/routes';
import { payoutRoutes } from './payouts/routes';
import { customerRoutes } from './customers/routes';
import { idempotency } from './middleware/idempotency';
import { reportRoutes } from './reports/routes';
import { rateLimit } from './middleware/rate-limit';
import { limitBody } from './middleware/body-limit';
import { refuseUnvalidatedQuery } from './middleware/refuse-unvalidated-query';
import { partnerTokenRoutes } from './partner-auth/routes';
import { meRoutes } from './me/routes';
import { webhookRoutes } from './webhooks/routes';
import { QUEUES_WEBHOOKS } from './webhooks/send-webhooks-soon';
import { portalBodyTooLarge, portalRoutes, portalTooManyRequests } from './portal/routes';
import { limitPortalRequests } from './portal/limit-portal-requests';

export const MAX_BODY_BYTES = 64 * 1024;

/** Builds the whole HTTP app from its dependencies; the same app runs on Workers and Node. */
export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();

  app.use('*', requestId());
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  app.use(
    '/v1/*',
    limitBody(MAX_BODY_BYTES, (c) => c.json(errorBody('payload_too_large', `Body exceeds ${MAX_BODY_BYTES} bytes`, c.var.requestId), 413)),
  );
  app.use('/portal/*', limitBody(MAX_BODY_BYTES, portalBodyTooLarge));

  app.use('/v1/*', rateLimit());
  app.use('/portal/*', limitPortalRequests(portalTooManyRequests));
  app.use('/v1/*', refuseUnvalidatedQuery);
  app.use('/v1/*', idempotency);
  app.use('/v1/*', async (c, next) => {
    await next();
    const soon = c.var.deps.sendWebhooksSoon;
    if (!soon || c.req.method !== 'POST' || c.res.status >= 300 || !QUEUES_WEBHOOKS.test(c.req.path)) return;
    let waitUntil: ((p: Promise<unknown>) => void) | undefined;
    try {
      const ctx = c.executionCtx; // throws on Node, which has no ExecutionContext
      waitUntil = (p) => ctx.waitUntil(p);
    } catch {
      waitUntil = undefined;
    }
    soon(waitUntil);
  });

  app.route('/health', healthRoutes);
  app.route('/v1/api-keys', apiKeyRoutes);
  app.route('/v1/programs', programRoutes);
  app.route('/v1', partnerRoutes);
  app.route('/v1', linkRoutes);
  app.route('/v1/track', trackRoutes);
  app.route('/v1', rewardRoutes);
  app.route('/v1', ledgerRoutes);
  app.route('/v1', payoutRoutes);
  app.route('/v1', customerRoutes);
  app.route('/v1', reportRoutes);
  app.route('/v1', partnerTokenRoutes);
  app.route('/v1', webhookRoutes);
  app.route('/v1/me', meRoutes);
  app.route('/portal', portalRoutes);
  app.route('/', redirectRoutes);

  app.notFound((c) => c.json(errorBody('not_found', `No route for ${c.req.method} ${new URL(c.req.url).pathname}`, c.var.requestId), 404));

  app.onError((err, c) => {
    const rid = c.var.requestId ?? 'unknown';
    if (err instanceof ApiError) {
      const extra: Record<string, unknown> = {};
      if (err.reason) extra.reason = err.reason;
      if (err.field) extra.field = err.field;
      if (err.retryAfterSeconds !== undefined) c.header('Retry-After', String(err.retryAfterSeconds));
      return c.json(errorBody(err.code, err.message, rid, extra), err.status);
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      const code: ErrorCode =
        status === 400 ? (/json/i.test(err.message) ? 'invalid_json' : 'bad_request') : status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status === 404 ? 'not_found' : status === 413 ? 'payload_too_large' : status === 429 ? 'rate_limited' : status < 500 ? 'bad_request' : 'internal_error';
      const message = code === 'invalid_json' ? 'Request body is not valid JSON' : err.message || code;
      return c.json(errorBody(code, message, rid), statusOf(code));
    }
    logUnhandled(rid, err);
    return c.json(errorBody('internal_error', 'Internal error', rid), 500);
  });

  return app;
}

export type App = ReturnType<typeof createApp>;
