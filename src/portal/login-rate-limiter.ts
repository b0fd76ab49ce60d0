import { numberVar } from '../env';
import { TokenBuckets } from '../lib/token-bucket';
import type { RateLimiter } from '../middleware/rate-limit';

/** Default sign-in requests per minute per client IP: about ten sign-ins (link page, question, confirmation). */
export const PORTAL_LOGIN_RATE_LIMIT_DEFAULT = 30;

/**
 * The portal sign-in's own limit, PORTAL_LOGIN_RATE_LIMIT_PER_MINUTE (not the API's per-credential
 * RATE_LIMIT_PER_SECOND): requests to /portal/login per client IP and minute, all of them allowed in a
 * burst and refilled evenly over the minute; 0 turns it off. In-memory buckets per Node process or
 * Workers isolate (the `[[ratelimits]]` binding has one fixed limit, the API's). A malformed value is
 * a start-up error (numberVar).
 */
export function loginRateLimiter(vars: Record<string, string | undefined>): RateLimiter | undefined {
  const perMinute = numberVar(vars, 'PORTAL_LOGIN_RATE_LIMIT_PER_MINUTE', PORTAL_LOGIN_RATE_LIMIT_DEFAULT, { min: 0, max: 1_000_000, integer: true });
  if (perMinute === 0) return undefined;
  const buckets = new TokenBuckets(perMinute / 60, perMinute);
  return { limit: (key) => buckets.take(key) };
}
