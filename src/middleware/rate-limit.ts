import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { ApiError } from '../lib/errors';
import { sha256Hex, sha256HexCached } from '../lib/hash';

/** `limit(key)` → 0 when allowed, else seconds to wait. Workers binding or in-memory buckets. */
export interface RateLimiter {
  limit(key: string): Promise<number> | number;
}

/** Adapts the Workers rate-limiting binding (`[[ratelimits]]` in wrangler.toml). */
export function bindingLimiter(binding: { limit(opts: { key: string }): Promise<{ success: boolean }> }, periodSeconds: number): RateLimiter {
  return { limit: async (key) => ((await binding.limit({ key })).success ? 0 : periodSeconds) };
}

/**
 * Per-credential rate limit on the API (admin, tracking and partner routes): 429 with Retry-After.
 * It protects the service; it never enforces money rules (caps live in the ledger's batches).
 */
export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const limiter = c.var.deps.rateLimiter;
  if (!limiter) return next();
  const auth = c.req.header('authorization');
  const key = auth ? `k:${(await sha256HexCached(auth)).slice(0, 32)}` : `ip:${(await sha256Hex(c.var.deps.clientIp(c.req.raw, c.env) ?? 'unknown')).slice(0, 32)}`;
  const wait = await limiter.limit(key);
  if (wait > 0) {
    c.header('Retry-After', String(wait));
    throw new ApiError('rate_limited', `Too many requests; retry in ${wait} s`);
  }
  await next();
});
