import { drizzle as drizzleD1 } from 'drizzle-orm/d1';
import { drizzle as drizzleLibsql } from 'drizzle-orm/libsql/web';
import { createClient } from '@libsql/client/web';
import { createApp, type App } from './app';
import { numberVar, readConfig, type AppDeps } from './env';
import { errorText, schema, type Db } from './db/client';
import { DirectClickSink } from './clicks/direct-click-sink';
import { QueueClickSink, type ClickMessage } from './clicks/queue-click-sink';
import { consumeClickQueue } from './clicks/consume-click-queue';
import { LinkCache } from './links/link-cache';
import { KeyedMutex } from './lib/keyed-mutex';
import { ProgramCache } from './programs/program-cache';
import { TokenBuckets } from './lib/token-bucket';
import { bindingLimiter, type RateLimiter } from './middleware/rate-limit';
import { sha256Hex } from './lib/hash';
import { systemClock } from './lib/time';
import { runScheduledJobs } from './jobs/run-scheduled-jobs';
import { deliverIfDue } from './webhooks/send-webhooks-soon';
import { loginRateLimiter } from './portal/login-rate-limiter';

export interface Env {
  DB?: D1Database;
  LIBSQL_URL?: string;
  LIBSQL_AUTH_TOKEN?: string;
  ADMIN_API_KEY?: string;
  VISITOR_SALT?: string;
  PUBLIC_URL?: string;
  JWT_SECRET?: string;
  JWT_PRIVATE_KEY?: string;
  /** `1`: webhook endpoints may be http:// (local development only). */
  WEBHOOKS_ALLOW_HTTP?: string;
  /** `0`: webhooks are sent by the cron only, not also right after the request that queued them. */
  WEBHOOKS_SEND_AFTER_REQUEST?: string;
  /** Optional `[[ratelimits]]` binding; without it each isolate keeps its own buckets. */
  RATE_LIMITER?: { limit(opts: { key: string }): Promise<{ success: boolean }> };
  RATE_LIMIT_PER_SECOND?: string;
  PORTAL_LOGIN_RATE_LIMIT_PER_MINUTE?: string;
  /** Optional `[[queues.producers]]` binding; when bound the redirect enqueues clicks and `queue()` writes them. */
  CLICKS?: Queue<ClickMessage>;
}

function openDb(env: Env): Db {
  if (env.LIBSQL_URL) {
    return drizzleLibsql(createClient({ url: env.LIBSQL_URL, authToken: env.LIBSQL_AUTH_TOKEN }), { schema });
  }
  if (!env.DB) throw new Error('No database: bind D1 as DB or set LIBSQL_URL');
  // D1 and libSQL share drizzle's async SQLite API (query builder and batch); see db/client.ts.
  return drizzleD1(env.DB, { schema }) as unknown as Db;
}

/** Built once per isolate (bindings are fixed for its lifetime) so the link cache survives requests. */
let built: { env: Env; app: App; deps: AppDeps } | null = null;

async function runtime(env: Env) {
  if (built && built.env === env) return built;
  const db = openDb(env);
  const config = readConfig(env as Record<string, string | undefined>, env.ADMIN_API_KEY ? await sha256Hex(env.ADMIN_API_KEY) : null);
  const perSecond = numberVar(env as Record<string, string | undefined>, 'RATE_LIMIT_PER_SECOND', 500, { min: 0 });
  const buckets = perSecond > 0 ? new TokenBuckets(perSecond, perSecond * 2) : null;
  const rateLimiter: RateLimiter | undefined = env.RATE_LIMITER
    ? bindingLimiter(env.RATE_LIMITER, 60)
    : buckets
      ? { limit: (key) => buckets.take(key) }
      : undefined;
  const deps: AppDeps = {
    db,
    config,
    clock: systemClock,
    linkCache: new LinkCache(),
    programCache: new ProgramCache(),
    locks: new KeyedMutex(),
    rateLimiter,
    loginRateLimiter: loginRateLimiter(env as Record<string, string | undefined>),
    clickSink: env.CLICKS ? new QueueClickSink(env.CLICKS, db, config.visitorSalt) : new DirectClickSink(db, config.visitorSalt),
    clientIp: (req) => req.headers.get('cf-connecting-ip'),
    clientCountry: (req) => ((req as Request & { cf?: { country?: string } }).cf?.country as string | undefined) ?? null,
  };
  // After a tracking or payout request, in waitUntil: the cron (every 15 minutes) delivers the rest.
  if (env.WEBHOOKS_SEND_AFTER_REQUEST !== '0') {
    deps.sendWebhooksSoon = (waitUntil) => waitUntil?.(deliverIfDue(deps).catch((err: unknown) => console.error('webhook delivery after a request failed', errorText(err).trim())));
  }
  built = { env, app: createApp(deps), deps };
  return built;
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const { app } = await runtime(env);
    return app.fetch(request, env, ctx);
  },
  // Cron trigger (wrangler.toml): approves commissions whose hold has passed, deletes expired
  // Idempotency-Keys and token revocations. Awaited, not left to waitUntil: a failed job then fails
  // this invocation, so the Cron Events list and `wrangler tail` report it (its message logged first).
  async scheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
    const { deps } = await runtime(env);
    try {
      await runScheduledJobs(deps.db, new Date(controller.scheduledTime), { config: deps.config });
    } catch (err) {
      console.error('scheduled jobs failed', { cron: controller.cron, scheduledTime: controller.scheduledTime, error: errorText(err).trim() });
      throw err;
    }
  },
  // Consumer of the CLICKS queue (wrangler.toml): one write per delivery, acked or retried whole.
  async queue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
    const { deps } = await runtime(env);
    await consumeClickQueue({ db: deps.db, salt: deps.config.visitorSalt, batch });
  },
} satisfies ExportedHandler<Env>;
