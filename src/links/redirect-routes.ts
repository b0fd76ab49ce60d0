import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { newClickId } from '../lib/ids';
import type { WaitUntil } from '../clicks/click-sink';
import { capturedClick, clickRedirectHeaders, noClickLocation, redirectHeaders } from './redirect-response';
import { rawQueryOf } from './forward-query';
import { isPrefetchRequest } from '../clicks/bot-rules';
import { RESERVED_CODES } from '../lib/codes';

// An empty icon, as on portal pages: browsers then ask for no /favicon.ico (a second 404) after this one.
function notFoundPage() {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Link not found</title><link rel="icon" href="data:,"></head><body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem"><h1>Link not found</h1><p>This referral link does not exist. Check the address and try again.</p></body></html>`;
}

function waitUntilOf(c: { executionCtx: { waitUntil(p: Promise<unknown>): void } }): WaitUntil | null {
  try {
    const ctx = c.executionCtx;
    return ctx.waitUntil.bind(ctx);
  } catch {
    return null; // no execution context (app.request() in tests)
  }
}

/**
 * A 302 built as a plain Response with a plain header object and a string body: @hono/node-server
 * writes that straight to the socket without building a fetch `Headers` or a real Response (a null
 * body would take its slow path).
 */
function found(headers: Record<string, string>): Response {
  return new Response('', { status: 302, headers });
}

/**
 * The answer to a browser prefetch/prerender of a link that would record a click. A prefetch is
 * not a visit, and browsers discard a speculative response that is not 2xx, so the visitor's real
 * navigation, if it comes, reaches this route and is the one click. (Recorded, the prefetch hid
 * that visit as a bot click when the browser used it, or counted twice when it did not.) A 4xx,
 * not the customary 503: a refusal is no outage (the HTTP WG's coming "Purpose Declined" is a 4xx).
 */
function prefetchDeclined(): Response {
  return new Response('', { status: 403, headers: { 'cache-control': 'no-store' } });
}

const CODE = '[A-Za-z0-9][A-Za-z0-9_-]{0,49}';

export const redirectRoutes = new Hono<AppEnv>()
  // GET|HEAD /:code and /:code/ — the hot path: one cached lookup, 302, click written after the response (a prefetch: 403, no click)
  .on('GET', [`/:code{${CODE}}`, `/:code{${CODE}}/`], async (c) => {
    const { db, linkCache, clickSink, clock, clientIp, clientCountry } = c.get('deps');
    const codeKey = c.req.param('code').toLowerCase();
    // `/v1/`, `/portal/`, `/health/`: an app path with a slash is no code (the JSON 404 it always was).
    if (RESERVED_CODES.has(codeKey) && c.req.path.endsWith('/')) return c.notFound();
    let target = linkCache.peek(codeKey);
    if (target === undefined) target = await linkCache.lookup(db, codeKey);
    if (!target) return c.html(notFoundPage(), 404);
    const req = c.req.raw;
    // The visitor's query is passed on (see forwardedQuery); the URL is already WHATWG-serialised.
    const query = rawQueryOf(req.url);
    if (target.archived || target.partnerStatus !== 'active') return found(redirectHeaders(noClickLocation(target, true, query)));
    if (c.req.method === 'HEAD') return found(redirectHeaders(noClickLocation(target, false, query)));
    const secPurpose = req.headers.get('sec-purpose');
    const oldPurpose = req.headers.get('purpose');
    if (isPrefetchRequest(secPurpose, oldPurpose)) return prefetchDeclined();
    const purpose = secPurpose ?? oldPurpose;
    const at = clock();
    const clickId = newClickId(at.getTime());
    const pressure = clickSink.capture(
      capturedClick(target, clickId, at, {
        ip: clientIp(req, c.env),
        userAgent: req.headers.get('user-agent'),
        referer: req.headers.get('referer'),
        purpose,
        landingUrl: req.url,
        country: clientCountry(req),
      }),
      // Node's sinks never use waitUntil, and asking Hono for a missing context throws.
      clickSink.wantsWaitUntil === false ? null : waitUntilOf(c),
    );
    if (pressure) await pressure;
    return found(clickRedirectHeaders(target, clickId, query, target.cookieDomain ? new URL(req.url).hostname : null));
  });
