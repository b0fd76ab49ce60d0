import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../src/worker';
import { ORIGIN, CHROME_WINDOWS, SAFARI_IPHONE, SLACKBOT, clicksOf, json, seed, self, settled, waitForClicks } from './helpers';

const visitor = (ua: string, ip: string) => ({ 'user-agent': ua, 'cf-connecting-ip': ip });

describe('GET /:code on workerd with D1', () => {
  it('redirects with the click id and utm params, then stores the click', async () => {
    const { program, partner, link } = await seed();
    const res = await settled('GET', `/${link.code}`, { ...visitor(CHROME_WINDOWS, '203.0.113.7'), referer: 'https://News.example.com/post/1' });

    expect(res.status).toBe(302);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe('https://www.acme.test/pricing');
    const clickId = location.searchParams.get('rcid');
    expect(clickId).toMatch(/^clk_[0-9A-Za-z]{20}$/);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      plan: 'pro',
      utm_source: 'partner',
      utm_medium: 'referral',
      utm_campaign: 'spring',
      rcid: clickId,
    });
    expect(res.headers.get('set-cookie')).toContain(`rcid=${clickId}`);

    expect(await clicksOf(link.id)).toEqual([
      {
        id: clickId,
        program_id: program.id,
        partner_id: partner.id,
        link_id: link.id,
        created_at: expect.any(Number),
        country: null,
        device_type: 'desktop',
        browser: 'Chrome',
        os: 'Windows',
        referrer_host: 'news.example.com',
        paid_ads: 0,
        bot: 0,
        bot_reason: null,
        is_unique: 1,
        visitor_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
  });

  it("passes the visitor's query on after the click id: the link's own values win, the click id cannot be forged, encoding is kept", async () => {
    const { link } = await seed();
    // rcid[]=…, x=1;rcid=… and utm.source=… name rcid/utm_source to PHP, Rack or `;`-splitting parsers: dropped too.
    const res = await settled('GET', `/${link.code}?plan=free&utm_source=evil&gclid=G1&tag=a&tag=b&q=caf%C3%A9+x y&rcid=forged&RCID=x&rcid[]=f2&x=1;rcid=f3&utm.source=e2`, visitor(CHROME_WINDOWS, '203.0.113.7'));
    expect(res.status).toBe(302);
    const clickId = new URL(res.headers.get('location')!).searchParams.get('rcid')!;
    expect(res.headers.get('location')).toBe(
      `https://www.acme.test/pricing?plan=pro&utm_source=partner&utm_medium=referral&utm_campaign=spring&rcid=${clickId}&gclid=G1&tag=a&tag=b&q=caf%C3%A9+x%20y`,
    );
    const head = await settled('HEAD', `/${link.code}?fbclid=F1`, visitor(CHROME_WINDOWS, '203.0.113.7'));
    expect(head.headers.get('location')).toBe('https://www.acme.test/pricing?plan=pro&utm_source=partner&utm_medium=referral&utm_campaign=spring&fbclid=F1');
    expect((await clicksOf(link.id)).map((r) => [r.id, r.paid_ads])).toEqual([[clickId, 1]]);
  });

  it('declines a browser prefetch (403, no-store, no click); the navigation that follows is one human click', async () => {
    const { link } = await seed();
    const pre = await settled('GET', `/${link.code}`, { ...visitor(CHROME_WINDOWS, '203.0.113.7'), 'sec-purpose': 'prefetch;prerender' });
    expect(pre.status).toBe(403);
    expect(pre.headers.get('cache-control')).toBe('no-store');
    expect(pre.headers.get('location')).toBeNull();
    expect(pre.headers.get('set-cookie')).toBeNull();
    expect(await clicksOf(link.id)).toEqual([]);
    const res = await settled('GET', `/${link.code}`, visitor(CHROME_WINDOWS, '203.0.113.7'));
    expect(res.status).toBe(302);
    expect((await clicksOf(link.id)).map((r) => [r.bot, r.bot_reason, r.is_unique])).toEqual([[0, null, 1]]);
  });

  it('without a queue, a click whose D1 write fails once (a transient D1 error) is written by a retry, once', async () => {
    const { link } = await seed();
    let failures = 1;
    // env.DB whose next batch() fails as D1 does when its connection drops; reads pass through.
    const flaky = new Proxy(env.DB, {
      get(target, p) {
        if (p === 'batch') return (s: D1PreparedStatement[]) => (failures-- > 0 ? Promise.reject(new Error('D1_ERROR: Network connection lost.')) : target.batch(s));
        const v = Reflect.get(target, p);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request(`${ORIGIN}/${link.code}`, { redirect: 'manual', headers: visitor(CHROME_WINDOWS, '203.0.113.7') }), { ...env, DB: flaky }, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(302);
    expect(failures).toBe(-1);
    expect((await clicksOf(link.id)).map((r) => r.id)).toEqual([new URL(res.headers.get('location')!).searchParams.get('rcid')]);
    expect((await json('GET', `/v1/links/${link.id}/stats`)).body).toEqual({ linkId: link.id, clicks: 1, uniqueClicks: 1, botClicks: 0 });
  });

  it('stores a repeat from the same UA and IP as not unique; another IP is a new visitor', async () => {
    const { link } = await seed();
    await settled('GET', `/${link.code}`, visitor(CHROME_WINDOWS, '203.0.113.7'));
    await settled('GET', `/${link.code}`, visitor(CHROME_WINDOWS, '203.0.113.7'));
    await settled('GET', `/${link.code}`, visitor(CHROME_WINDOWS, '198.51.100.9'));

    const rows = await clicksOf(link.id);
    expect(rows.map((r) => [r.bot, r.is_unique])).toEqual([
      [0, 1],
      [0, 0],
      [0, 1],
    ]);
    expect(rows[1]!.visitor_hash).toBe(rows[0]!.visitor_hash);
    expect(rows[2]!.visitor_hash).not.toBe(rows[0]!.visitor_hash);
  });

  it('8 identical clicks at once (each written from its own waitUntil) store exactly one unique click; stats agree', async () => {
    const { link } = await seed();
    const res = await Promise.all(Array.from({ length: 8 }, () => settled('GET', `/${link.code}`, visitor(CHROME_WINDOWS, '203.0.113.7'))));
    expect(res.map((r) => r.status)).toEqual(Array(8).fill(302));
    const rows = await clicksOf(link.id);
    expect(rows.length).toBe(8);
    expect(rows.filter((r) => r.is_unique === 1).length).toBe(1);
    expect(new Set(rows.map((r) => r.visitor_hash)).size).toBe(1);
    expect((await json('GET', `/v1/links/${link.id}/stats`)).body).toEqual({ linkId: link.id, clicks: 8, uniqueClicks: 1, botClicks: 0 });
  });

  it('stores a link-preview fetch (Slackbot) as a bot, never unique', async () => {
    const { link } = await seed();
    const res = await settled('GET', `/${link.code}`, visitor(SLACKBOT, '203.0.113.7'));
    expect(res.status).toBe(302);

    const [row, ...rest] = await clicksOf(link.id);
    expect(rest).toEqual([]);
    expect(row).toMatchObject({ bot: 1, bot_reason: 'link_preview', device_type: 'bot', is_unique: 0 });
  });

  it('GET /v1/links/:id/stats counts human, unique and bot clicks exactly', async () => {
    const { link } = await seed();
    await settled('GET', `/${link.code}`, visitor(CHROME_WINDOWS, '203.0.113.7'));
    await settled('GET', `/${link.code}`, visitor(CHROME_WINDOWS, '203.0.113.7'));
    await settled('GET', `/${link.code}`, visitor(SAFARI_IPHONE, '198.51.100.9'));
    await settled('GET', `/${link.code}`, visitor(SLACKBOT, '192.0.2.1'));

    const stats = await json('GET', `/v1/links/${link.id}/stats`);
    expect(stats.status).toBe(200);
    expect(stats.body).toEqual({ linkId: link.id, clicks: 3, uniqueClicks: 2, botClicks: 1 });
    const iphone = (await clicksOf(link.id)).find((r) => r.os === 'iOS');
    expect(iphone).toMatchObject({ device_type: 'mobile', browser: 'Mobile Safari', bot: 0, is_unique: 1 });
  });

  it('HEAD redirects without a click id and records nothing', async () => {
    const { link } = await seed();
    const res = await settled('HEAD', `/${link.code}`, visitor(CHROME_WINDOWS, '203.0.113.7'));
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.searchParams.has('rcid')).toBe(false);
    expect(location.searchParams.get('utm_source')).toBe('partner');
    expect(await clicksOf(link.id)).toEqual([]);
  });

  it("through the runtime's own ctx.waitUntil, the click still lands in D1", async () => {
    const { partner } = await seed();
    const code = partner.defaultLink.code as string;
    const res = await self('GET', `/${code}`, undefined, visitor(CHROME_WINDOWS, '203.0.113.7'));
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe('https://acme.test/signup');
    const [row] = await waitForClicks(partner.defaultLink.id, 1);
    expect(row).toMatchObject({ id: location.searchParams.get('rcid'), bot: 0, is_unique: 1, device_type: 'desktop', browser: 'Chrome' });
  });

  it('answers an unknown code with a 404 page', async () => {
    const res = await self('GET', '/no-such-code-here');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<title>Link not found</title><link rel="icon" href="data:,"></head>');
  });
});
