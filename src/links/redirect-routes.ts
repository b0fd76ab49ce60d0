import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import type { AppEnv } from '../env';
import { newId } from '../lib/ids';
import { DAY_MS } from '../lib/time';
import { buildDestination } from './build-destination';

function notFoundPage() {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Link not found</title></head><body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem"><h1>Link not found</h1><p>This referral link does not exist. Check the address and try again.</p></body></html>`;
}

/** Browsers cap cookie lifetimes at 400 days (RFC 6265bis) and Hono's setCookie throws above it. */
const MAX_COOKIE_AGE_SECONDS = 400 * 86_400;

function waitUntilOf(c: { executionCtx: { waitUntil(p: Promise<unknown>): void } }): ((p: Promise<unknown>) => void) | null {
  try {
    const ctx = c.executionCtx;
    return ctx.waitUntil.bind(ctx);
  } catch {
    return null; // Node / app.request(): no execution context
  }
}

export const redirectRoutes = new Hono<AppEnv>()
  // GET|HEAD /:code — the hot path: one cached lookup, 302, click written after the response
  .get('/:code{[A-Za-z0-9][A-Za-z0-9_-]{0,49}}', async (c) => {
    const { db, linkCache, clickSink, clock, clientIp, clientCountry } = c.var.deps;
    const target = await linkCache.lookup(db, c.req.param('code').toLowerCase());
    if (!target) return c.html(notFoundPage(), 404);
    c.header('Cache-Control', 'no-store');
    c.header('Referrer-Policy', 'no-referrer-when-downgrade');
    if (target.archived || target.partnerStatus !== 'active') {
      return c.redirect(target.defaultUrl, 302);
    }
    if (c.req.method === 'HEAD') {
      return c.redirect(buildDestination(target.url, target.clickIdParam, null, target.utm), 302);
    }
    const clickId = newId('clk');
    const at = clock();
    const req = c.req.raw;
    const pressure = clickSink.capture(
      {
        id: clickId,
        at,
        linkId: target.linkId,
        programId: target.programId,
        partnerId: target.partnerId,
        dedupWindowSeconds: target.dedupWindowSeconds,
        ip: clientIp(req, c.env),
        userAgent: req.headers.get('user-agent'),
        referer: req.headers.get('referer'),
        purpose: req.headers.get('sec-purpose') ?? req.headers.get('purpose'),
        landingUrl: req.url,
        country: clientCountry(req),
      },
      waitUntilOf(c),
    );
    if (pressure) await pressure;
    setCookie(c, 'rcid', clickId, {
      path: '/',
      secure: true,
      httpOnly: true,
      sameSite: 'Lax',
      maxAge: Math.min(Math.floor((target.windowDays * DAY_MS) / 1000), MAX_COOKIE_AGE_SECONDS),
    });
    return c.redirect(buildDestination(target.url, target.clickIdParam, clickId, target.utm), 302);
  });
