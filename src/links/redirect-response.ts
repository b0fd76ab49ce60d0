import type { CapturedClick } from '../clicks/click-sink';
import { destinationWith } from './build-destination';
import { appendQuery, forwardedQuery } from './forward-query';
import { CLICK_COOKIE, type RedirectTarget } from './link-cache';

/** Request facts of a click, read from whichever request object the runtime has. */
export type ClickFacts = Pick<CapturedClick, 'ip' | 'userAgent' | 'referer' | 'purpose' | 'landingUrl' | 'country'>;

/** The click a redirect hands to the sink: the link's ids and the raw request facts. */
export function capturedClick(target: RedirectTarget, id: string, at: Date, facts: ClickFacts): CapturedClick {
  return {
    id,
    at,
    linkId: target.linkId,
    programId: target.programId,
    partnerId: target.partnerId,
    dedupWindowSeconds: target.dedupWindowSeconds,
    ...facts,
  };
}

/**
 * Headers of a redirect (302). Location is encoded as Hono's `c.redirect` does; the click cookie
 * (when there is a click) carries the click id for a later lead on the merchant's domain.
 */
export function redirectHeaders(location: string, cookie?: string): Record<string, string> {
  const headers: Record<string, string> = {
    location: /[^\x00-\xFF]/.test(location) ? encodeURI(location) : location,
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer-when-downgrade',
  };
  if (cookie) headers['set-cookie'] = cookie;
  return headers;
}

/**
 * The cookie's attributes for a request to `hostname` (lower-case, no port): with the program's
 * cookieDomain when the host is that domain or a subdomain of it (a browser would refuse it
 * otherwise), else host-only.
 */
function cookieAttributesFor(target: RedirectTarget, hostname: string | null): string {
  const domain = target.cookieDomain;
  if (!domain || hostname === null || target.domainCookieAttributes === null) return target.cookieAttributes;
  const inDomain = hostname === domain || (hostname.length > domain.length && hostname.endsWith(domain) && hostname.charCodeAt(hostname.length - domain.length - 1) === 46);
  return inDomain ? target.domainCookieAttributes : target.cookieAttributes;
}

/**
 * Location and cookie for a click on a target; `rawQuery` is the visitor's query (without `?`), ''
 * when none; `hostname` the request's host without port (only read when the program has a cookieDomain).
 */
export function clickRedirectHeaders(target: RedirectTarget, clickId: string, rawQuery: string, hostname: string | null): Record<string, string> {
  return redirectHeaders(destinationWith(target.destination, clickId, rawQuery), `${CLICK_COOKIE}=${clickId}${cookieAttributesFor(target, hostname)}`);
}

/** Location of a redirect without a click: the destination (HEAD), or the defaultUrl for an archived link or inactive partner. */
export function noClickLocation(target: RedirectTarget, toDefaultUrl: boolean, rawQuery: string): string {
  if (!toDefaultUrl) return destinationWith(target.destination, null, rawQuery);
  if (rawQuery === '' || !target.defaultUrlParams) return target.defaultUrl;
  return appendQuery(target.defaultUrl, forwardedQuery(rawQuery, target.defaultUrlParams));
}
