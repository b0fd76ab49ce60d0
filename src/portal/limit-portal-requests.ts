import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { rateLimit } from '../middleware/rate-limit';
import { sessionTokenOf } from './session';

/**
 * Rate limits on the portal:
 * - the sign-in link and its confirmation (GET and POST /portal/login) per client IP, as refused
 *   credentials are — a token in a link or a form is not yet a credential — in sign-in's own
 *   buckets (PORTAL_LOGIN_RATE_LIMIT_PER_MINUTE, src/portal/login-rate-limiter.ts): a login form
 *   wants a few a minute, not the API's hundreds a second;
 * - every other POST per session token, under the API's RATE_LIMIT_PER_SECOND: the bucket /v1/me
 *   uses for that token, so the portal's form is no way around the API's limit; a session that does
 *   not authenticate (no `auth` set by currentSession) is charged to the client IP, as a refused
 *   bearer token is.
 * `limited` is the page a browser gets instead of the API's JSON (Retry-After set).
 */
export function limitPortalRequests(limited: (c: Context<AppEnv>, waitSeconds: number) => Response | Promise<Response>) {
  const perIp = rateLimit({ credential: () => null, limiter: (c) => c.var.deps.loginRateLimiter, limited });
  const perSession = rateLimit({ credential: sessionTokenOf, refused: (c) => !c.var.auth, limited });
  return createMiddleware<AppEnv>(async (c, next) => {
    if (c.req.path === '/portal/login') return perIp(c, next);
    if (c.req.method === 'POST') return perSession(c, next);
    return next();
  });
}
