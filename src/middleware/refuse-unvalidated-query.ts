import { createMiddleware } from 'hono/factory';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from '../env';
import { ValidationError } from '../lib/errors';
import { queryParamsAcceptedBy, unknownParameter } from '../lib/validate';

/**
 * On /v1/*: a query parameter the matched route does not validate is 422 `unknown_parameter`,
 * before the credential is checked (like a body over the size limit). The parameters a route
 * accepts are those of its `validate('query', schema)`; a route without one accepts none, so a
 * new route cannot silently ignore a query it never reads. A parameter given twice is 422
 * `repeated_parameter` (none of our parameters is a list). Paths no /v1 route matches go on to
 * the 404 as before; the portal and the redirect (whose visitors' queries are forwarded) are
 * outside /v1 and never see this.
 */
export const refuseUnvalidatedQuery = createMiddleware<AppEnv>(async (c, next) => {
  const url = c.req.url;
  const q = url.indexOf('?');
  if (q === -1 || q === url.length - 1) return next();
  const names = [...new URLSearchParams(url.slice(q + 1)).keys()];
  if (names.length === 0) return next();
  // The route's own handlers (scope guard, validators, handler) share its method and path; the
  // app's and sub-apps' `use` middleware are registered for ALL.
  const routes = matchedRoutes(c).filter((r) => r.method !== 'ALL' && r.path.startsWith('/v1/'));
  const first = routes[0];
  if (!first) return next();
  const accepted = routes
    .filter((r) => r.path === first.path && r.method === first.method)
    .flatMap((r) => queryParamsAcceptedBy(r.handler) ?? []);
  const unknown = names.find((n) => !accepted.includes(n));
  if (unknown !== undefined) throw unknownParameter(unknown, accepted);
  // `?limit=5&limit=6` reaches the validator as a list ("expected number, received NaN"): say so.
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined) throw new ValidationError(repeated, 'given more than once; send each query parameter once', 'repeated_parameter');
  return next();
});
