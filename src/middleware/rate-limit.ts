import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { ApiError } from '../lib/errors';
import { ipSubject } from '../lib/ip-subject';
import { sha256Hex, sha256HexCached } from '../lib/hash';
import { LruCache } from '../lib/lru';
import { bearer } from './auth';

/** `limit(key)` → 0 when allowed, else seconds to wait. Workers binding or in-memory buckets. */
export interface RateLimiter {
  limit(key: string): Promise<number> | number;
}

/** Adapts the Workers rate-limiting binding (`[[ratelimits]]` in wrangler.toml). */
export function bindingLimiter(binding: { limit(opts: { key: string }): Promise<{ success: boolean }> }, periodSeconds: number): RateLimiter {
  return { limit: async (key) => ((await binding.limit({ key })).success ? 0 : periodSeconds) };
}

export interface RateLimitOptions {
  /** The buckets to take from (default: the API's, deps.rateLimiter); none = unlimited. */
  limiter?: (c: Context<AppEnv>) => RateLimiter | undefined;
  /** The credential whose bucket a request uses, or null for the client IP's (default: the bearer token). */
  credential?: (c: Context<AppEnv>) => string | null;
  /** Whether the request's credential was refused, after the handler ran (default: a 401). */
  refused?: (c: Context<AppEnv>) => boolean;
  /** The answer over the limit, Retry-After already set (default: throws the API's 429 `rate_limited`). */
  limited?: (c: Context<AppEnv>, waitSeconds: number) => Response | Promise<Response>;
}

const apiTooMany = (_c: Context<AppEnv>, wait: number): never => {
  throw new ApiError('rate_limited', `Too many requests; retry in ${wait} s`);
};

/**
 * Per-credential rate limit on the API (admin, tracking and partner routes): 429 with Retry-After.
 * It protects the service; it never enforces money rules (caps live in the ledger's batches).
 *
 * The bucket is the bearer token's, not the header's: `bearer KEY` and `Bearer  KEY` are one
 * credential. A refused credential (401) is charged to the client IP's bucket, as a request
 * without one would be; once that IP has used it up, its requests with credentials not seen to
 * authenticate here recently are refused before any auth work, so a made-up token per request
 * is no way around the limit. Credentials that did authenticate keep their own buckets.
 * The portal passes its own `credential` (the session cookie: the same partner token, so the same
 * bucket as /v1/me), `refused` and `limited` (a page instead of the API's JSON), and for sign-in
 * its own `limiter` (PORTAL_LOGIN_RATE_LIMIT_PER_MINUTE).
 */
export function rateLimit(opts: RateLimitOptions = {}) {
  const credentialOf = opts.credential ?? ((c) => bearer(c.req.header('authorization')));
  const refused = opts.refused ?? ((c) => c.res.status === 401);
  const limited = opts.limited ?? apiTooMany;
  const limiterOf = opts.limiter ?? ((c) => c.var.deps.rateLimiter);
  const tooMany = (c: Context<AppEnv>, wait: number) => {
    c.header('Retry-After', String(wait));
    return limited(c, wait);
  };
  // IP key → until when (epoch ms) its refused credentials have used up its bucket.
  const refusedIps = new LruCache<string, number>(10_000, 60_000);
  const knownGood = new LruCache<string, true>(10_000, 60_000);
  return createMiddleware<AppEnv>(async (c, next) => {
    const limiter = limiterOf(c);
    if (!limiter) return next();
    // An IPv6 client counts by its /64 (ipSubject), so the addresses it owns share one bucket.
    const ipKey = async () => `ip:${(await sha256Hex(ipSubject(c.var.deps.clientIp(c.req.raw, c.env) ?? 'unknown'))).slice(0, 32)}`;
    const token = credentialOf(c);
    if (!token) {
      const wait = await limiter.limit(await ipKey());
      if (wait > 0) return tooMany(c, wait);
      return next();
    }
    const key = `k:${(await sha256HexCached(token)).slice(0, 32)}`;
    if (!knownGood.get(key)) {
      const until = refusedIps.get(await ipKey());
      if (until !== undefined) return tooMany(c, Math.max(1, Math.ceil((until - Date.now()) / 1000)));
    }
    const wait = await limiter.limit(key);
    if (wait > 0) return tooMany(c, wait);
    await next();
    if (refused(c)) {
      knownGood.delete(key);
      const ip = await ipKey();
      const ipWait = await limiter.limit(ip);
      if (ipWait > 0) refusedIps.set(ip, Date.now() + ipWait * 1000, ipWait * 1000);
    } else if (c.var.auth) {
      knownGood.set(key, true);
    }
  });
}
