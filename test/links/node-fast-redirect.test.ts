import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { request } from 'node:http';
import { startServer } from '../helpers/server';
import { createNodeServer, listen } from '../../src/node-server';

// Node answers cached `GET /:code` from node:http (src/links/node-fast-redirect.ts). It must be
// indistinguishable from the app's route: same status, headers, cookie, click row.
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP/1.1 request (fetch would hide header details and refuse some headers). */
function raw(port: number, method: string, path: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const shape = (r: Raw) => {
  const { date: _date, ...h } = r.headers;
  const id = /rcid=(clk_[0-9A-Za-z]{20})/.exec(String(h.location))?.[1] ?? 'none';
  return { status: r.status, body: r.body, headers: JSON.parse(JSON.stringify(h).replaceAll(id, 'CLICK')) };
};

describe('Node fast path for cached redirects', () => {
  let s: Awaited<ReturnType<typeof startServer>>;
  let port = 0;
  let fastHits = 0;
  let code = '';
  let linkId = '';
  let partnerId = '';
  let server: ReturnType<typeof createNodeServer>;
  beforeAll(async () => {
    s = await startServer({ env: { TRUST_PROXY: '1', COUNTRY_HEADER: 'x-country' } });
    // A second server on the same runtime that counts the requests the fast path answered.
    server = createNodeServer({ app: s.app, fastRedirect: (req, res) => (s.fastRedirect(req, res) ? (fastHits++, true) : false) });
    port = await listen(server, 0, '127.0.0.1');
    const program = await s.json('POST', '/v1/programs', { name: 'F', currency: 'EUR', defaultUrl: 'https://a.test/home', allowedHosts: ['a.test'] });
    const partner = await s.json('POST', `/v1/programs/${program.body.id}/partners`, { name: 'P', email: 'p@p.test' });
    partnerId = partner.body.id;
    const link = await s.json('POST', `/v1/partners/${partner.body.id}/links`, { url: 'https://a.test/x?a=1#f', utm: { source: 'nl' }, code: 'Fast-Path' });
    code = link.body.code;
    linkId = link.body.id;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await s.stop();
  });

  it('answers a cached link exactly as the app route does, and stores the same click facts', async () => {
    const headers = { 'user-agent': CHROME, referer: 'https://news.test/post', 'x-forwarded-for': '203.0.113.9', 'x-country': 'de' };
    const first = await raw(port, 'GET', `/${code}?gclid=abc`, headers); // cache miss: the app answers and caches the link
    expect(fastHits).toBe(0);
    const second = await raw(port, 'GET', `/${code.toLowerCase()}?gclid=abc`, headers); // now cached: the fast path answers
    expect(fastHits).toBe(1);
    expect(shape(second)).toEqual(shape(first));
    expect(shape(second)).toEqual({
      status: 302,
      body: '',
      headers: {
        location: 'https://a.test/x?a=1&utm_source=nl&rcid=CLICK&gclid=abc#f',
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer-when-downgrade',
        'set-cookie': ['rcid=CLICK; Max-Age=2592000; Path=/; HttpOnly; Secure; SameSite=Lax'],
        'content-length': '0',
        connection: 'keep-alive',
        'keep-alive': 'timeout=5',
      },
    });
    await s.clickSink.flush();
    const rows = await s.db.all<Record<string, unknown>>(
      sql`select link_id, country, device_type, browser, os, referrer_host, paid_ads, bot, is_unique, visitor_hash from clicks order by id`,
    );
    expect(rows).toHaveLength(2);
    const [a, b] = rows;
    expect(a).toMatchObject({ link_id: linkId, country: 'DE', device_type: 'desktop', browser: 'Chrome', os: 'Windows', referrer_host: 'news.test', paid_ads: 1, bot: 0, is_unique: 1 });
    // The same visitor (same forwarded IP and UA) a moment later: same hash, a repeat.
    expect(b).toEqual({ ...a, is_unique: 0 });
  });

  it("passes the visitor's query on exactly as the app route does (link values win, no forged click id, capped)", async () => {
    const link = await s.json('POST', `/v1/partners/${partnerId}/links`, { url: 'https://a.test/q?a=1#f', utm: { source: 'nl' }, code: 'Query-Path' });
    expect(link.status).toBe(201);
    const headers = { 'user-agent': CHROME, 'x-forwarded-for': '203.0.113.10' };
    const cases: [string, string][] = [
      ['utm_medium=cpc&gclid=abc&tag=a&tag=b&q=caf%C3%A9+x%20y&bad=%zz&flag&utm_source=evil&rcid=forged&RCID=x&%72cid=y', 'utm_medium=cpc&gclid=abc&tag=a&tag=b&q=caf%C3%A9+x%20y&bad=%zz&flag'],
      [`junk=${'j'.repeat(5000)}&fbclid=F`, 'fbclid=F'],
      ['', ''],
    ];
    for (const [query, passed] of cases) {
      await s.json('PATCH', `/v1/links/${link.body.id}`, { campaign: 'c' }); // clears the cache: the app answers next
      fastHits = 0;
      const path = query === '' ? '/Query-Path' : `/Query-Path?${query}`;
      const viaApp = await raw(port, 'GET', path, headers);
      const viaFast = await raw(port, 'GET', path.replace('/Query-Path', '/query-path'), headers);
      expect(fastHits).toBe(1);
      expect(shape(viaFast)).toEqual(shape(viaApp));
      expect(shape(viaFast).headers.location).toBe(`https://a.test/q?a=1&utm_source=nl&rcid=CLICK${passed === '' ? '' : `&${passed}`}#f`);
    }
  });

  it('leaves a query the URL parser would re-encode to the app, which passes it on encoded', async () => {
    fastHits = 0;
    const res = await raw(port, 'GET', `/query-path?q="x"&n=<'>&b=\\`, { 'user-agent': CHROME });
    expect(fastHits).toBe(0);
    expect(shape(res).headers.location).toBe(`https://a.test/q?a=1&utm_source=nl&rcid=CLICK&q=%22x%22&n=%3C%27%3E&b=\\#f`);
  });

  it('leaves a prefetch of a cached link to the app, which declines it: 403, no click', async () => {
    await s.clickSink.flush();
    const before = await s.db.all(sql`select id from clicks`);
    fastHits = 0;
    for (const purpose of [{ 'sec-purpose': 'prefetch;prerender' }, { purpose: 'prefetch' }] as Record<string, string>[]) {
      const res = await raw(port, 'GET', '/query-path?gclid=1', { 'user-agent': CHROME, ...purpose });
      expect(shape(res)).toEqual({
        status: 403,
        body: '',
        headers: { 'cache-control': 'no-store', 'content-length': '0', connection: 'keep-alive', 'keep-alive': 'timeout=5' },
      });
    }
    expect(fastHits).toBe(0);
    await s.clickSink.flush();
    expect(await s.db.all(sql`select id from clicks`)).toEqual(before);
  });

  it('leaves HEAD, unknown codes, reserved paths and archived links to the app', async () => {
    fastHits = 0;
    expect((await raw(port, 'HEAD', `/${code}`)).status).toBe(302);
    expect((await raw(port, 'GET', '/no-such-code')).status).toBe(404);
    expect((await raw(port, 'GET', '/health')).status).toBe(200);
    expect(fastHits).toBe(0);
    await s.json('PATCH', `/v1/links/${linkId}`, { archived: true });
    const archived = await raw(port, 'GET', `/${code}`);
    expect(archived.status).toBe(302);
    expect(archived.headers.location).toBe('https://a.test/home');
    expect(archived.headers['set-cookie']).toBeUndefined();
    expect(fastHits).toBe(0);
  });
});
