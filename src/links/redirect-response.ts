import type { CapturedClick } from '../clicks/click-sink';
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

/** Location and cookie for a click on a target. */
export function clickRedirectHeaders(target: RedirectTarget, clickId: string): Record<string, string> {
  return redirectHeaders(target.destination.withClick(clickId), `${CLICK_COOKIE}=${clickId}${target.cookieAttributes}`);
}
