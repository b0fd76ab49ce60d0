import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { request } from 'node:http';
import fc from 'fast-check';
import { startServer } from '../helpers/server';
import { createNodeServer, listen } from '../../src/node-server';
import { nodeSha256Hex } from '../../src/lib/node-sha256';

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

  it('answers any query the same on both paths, and no query sets the click id, the link\'s own values or the fragment', async () => {
    // Adversarial queries: separators and escapes of every kind, names that decode or case-fold to
    // the link's own (rcid, a, utm_source), latin-1 bytes, overlong values. Both paths must give the
    // same Location and cookie, the Location must keep the link's values and the one real click id
    // first, and the two clicks must be recorded alike (paid_ads from the visitor's ad click ids).
    const link = await s.json('POST', `/v1/partners/${partnerId}/links`, { url: 'https://a.test/q?a=1#f', utm: { source: 'nl' }, code: 'Prop-Path' });
    expect(link.status).toBe(201);
    const headers = { 'user-agent': CHROME, 'x-forwarded-for': '203.0.113.11' };
    const piece = fc.oneof(
      fc.constantFrom('rcid', 'RCID', '%72cid', 'r%63id', 'a', 'A', '%61', 'utm_source', 'UTM_SOURCE', 'utm%5Fsource', 'gclid', 'fbclid', 'msclkid', 'x', '', '=', '&', '?', '#', ';', '+', '%', '%0D%0A', '%00', '[]', '.', "'", '"', '<', '>', '\\', '|', '{', '}', '^', '`', '@', '/', ':', 'clk_forged'),
      fc.string({ unit: fc.constantFrom(...'!$%&()*+,-./0123456789:;=?@ABCZ[]^_`abcz{|}~'.split('')), maxLength: 8 }),
      fc.constant('v'.repeat(1500)),
    );
    const query = fc.array(piece, { minLength: 1, maxLength: 12 }).map((xs) => xs.join(''));
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        await s.json('PATCH', `/v1/links/${link.body.id}`, { campaign: 'p' }); // clears the cache: the app answers first
        await s.clickSink.flush();
        const before = (await s.db.all<{ n: number }>(sql`select count(*) as n from clicks`))[0]!.n;
        fastHits = 0;
        const viaApp = await raw(port, 'GET', `/Prop-Path?${q}`, headers);
        const viaFast = await raw(port, 'GET', `/prop-path?${q}`, headers);
        // A query the URL parser keeps as it is is answered by the fast path; any other by the app.
        expect(fastHits).toBe(/^[!$%&()*+,\-./0-9:;=?@A-Z[\]^_`a-z{|}~]*$/.test(q) ? 1 : 0);
        const a = shape(viaApp);
        const b = shape(viaFast);
        expect(b).toEqual(a);
        expect(a.status).toBe(302);
        const location = String(a.headers.location);
        expect(location).not.toMatch(/[\r\n\0 ]/);
        expect(location.startsWith('https://a.test/q?a=1&utm_source=nl&rcid=CLICK')).toBe(true);
        expect(location.endsWith('#f')).toBe(true);
        expect(location.indexOf('#')).toBe(location.length - 2);
        const id = /rcid=(clk_[0-9A-Za-z]{20})/.exec(String(viaApp.headers.location))![1]!;
        const params = new URL(String(viaApp.headers.location)).searchParams;
        expect(params.getAll('rcid')).toEqual([id]);
        expect([...params.keys()].filter((k) => k.toLowerCase() === 'rcid')).toEqual(['rcid']);
        expect(params.getAll('a')).toEqual(['1']);
        expect(params.getAll('utm_source')).toEqual(['nl']);
        expect(location.length).toBeLessThanOrEqual('https://a.test/q?a=1&utm_source=nl&rcid=CLICK#f'.length + 1 + 2048);
        await s.clickSink.flush();
        const clicks = await s.db.all<{ paid_ads: number; link_id: string }>(sql`select paid_ads, link_id from clicks order by id limit -1 offset ${before}`);
        expect(clicks).toHaveLength(2);
        expect(clicks[1]).toEqual(clicks[0]);
        const landing = new URL(`https://ref.test/p?${q}`).searchParams;
        expect(clicks[0]!.paid_ads).toBe(['gclid', 'gbraid', 'wbraid', 'fbclid', 'msclkid', 'ttclid'].some((k) => landing.has(k)) ? 1 : 0);
      }),
      { numRuns: 100 },
    );
  });

  it('answers /code/ and /code/?query exactly as the app route does (a trailing slash is the same link)', async () => {
    const headers = { 'user-agent': CHROME, 'x-forwarded-for': '203.0.113.12' };
    for (const path of ['/Query-Path/', '/Query-Path/?gclid=abc&x=1']) {
      await s.json('PATCH', `/v1/links/${linkId}`, { campaign: 'slash' }); // clears the cache: the app answers first
      fastHits = 0;
      const viaApp = await raw(port, 'GET', path, headers);
      const viaFast = await raw(port, 'GET', path.toLowerCase(), headers);
      expect(fastHits).toBe(1);
      expect(shape(viaFast)).toEqual(shape(viaApp));
      expect(shape(viaFast).status).toBe(302);
      expect(shape(viaFast).headers.location).toBe(`https://a.test/q?a=1&utm_source=nl&rcid=CLICK${path.includes('?') ? '&gclid=abc&x=1' : ''}#f`);
      expect(shape(viaFast).headers['set-cookie']).toEqual(['rcid=CLICK; Max-Age=2592000; Path=/; HttpOnly; Secure; SameSite=Lax']);
    }
    // An app path with a slash is never a code on either path: the API's JSON 404.
    fastHits = 0;
    for (const path of ['/v1/', '/health/']) {
      const res = await raw(port, 'GET', path);
      expect(res.status, path).toBe(404);
      expect(JSON.parse(res.body).error.code, path).toBe('not_found');
    }
    expect(fastHits).toBe(0);
  });

  it("sets the same Domain cookie as the app for a program's cookieDomain (host in it), host-only otherwise", async () => {
    const program = await s.json('POST', '/v1/programs', { name: 'D', currency: 'EUR', defaultUrl: 'https://a.test/d', allowedHosts: ['a.test'], cookieDomain: 'shop.test' });
    expect(program.body.cookieDomain).toBe('shop.test');
    const partner = await s.json('POST', `/v1/programs/${program.body.id}/partners`, { name: 'D', email: 'd@p.test' });
    const dcode = partner.body.code;
    const cases: [string, string][] = [
      [`go.shop.test:${port}`, 'rcid=CLICK; Max-Age=2592000; Domain=shop.test; Path=/; HttpOnly; Secure; SameSite=Lax'],
      ['SHOP.TEST', 'rcid=CLICK; Max-Age=2592000; Domain=shop.test; Path=/; HttpOnly; Secure; SameSite=Lax'],
      [`notshop.test:${port}`, 'rcid=CLICK; Max-Age=2592000; Path=/; HttpOnly; Secure; SameSite=Lax'],
      [`127.0.0.1:${port}`, 'rcid=CLICK; Max-Age=2592000; Path=/; HttpOnly; Secure; SameSite=Lax'],
    ];
    for (const [host, cookie] of cases) {
      await s.json('PATCH', `/v1/links/${partner.body.defaultLink.id}`, { campaign: host }); // clears the cache: the app answers first
      fastHits = 0;
      const headers = { 'user-agent': CHROME, host };
      const viaApp = await raw(port, 'GET', `/${dcode}/`, headers);
      const viaFast = await raw(port, 'GET', `/${dcode}`, headers);
      expect(fastHits).toBe(1);
      expect(shape(viaFast)).toEqual(shape(viaApp));
      expect(shape(viaFast).headers['set-cookie'], host).toEqual([cookie]);
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

describe('TRUST_PROXY=2 (two proxies in front): the fast path and the app take the same X-Forwarded-For entry', () => {
  let s: Awaited<ReturnType<typeof startServer>>;
  let server: ReturnType<typeof createNodeServer>;
  let port = 0;
  let fastHits = 0;
  beforeAll(async () => {
    s = await startServer({ env: { TRUST_PROXY: '2' } });
    server = createNodeServer({ app: s.app, fastRedirect: (req, res) => (s.fastRedirect(req, res) ? (fastHits++, true) : false) });
    port = await listen(server, 0, '127.0.0.1');
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await s.stop();
  });

  it('hashes the second entry from the right on both paths; a one-entry or missing header is the socket peer', async () => {
    const program = await s.json('POST', '/v1/programs', { name: 'H', currency: 'EUR', defaultUrl: 'https://a.test/', allowedHosts: ['a.test'] });
    const partner = await s.json('POST', `/v1/programs/${program.body.id}/partners`, { name: 'P', email: 'p@p.test' });
    const { id: linkId, code } = partner.body.defaultLink;
    const visitor = (ip: string) => nodeSha256Hex(`${ip}|${CHROME}|test-salt`);
    const cases: [Record<string, string>, string][] = [
      [{ 'x-forwarded-for': 'forged, 203.0.113.20, 10.0.0.1' }, '203.0.113.20'],
      [{ 'x-forwarded-for': '203.0.113.21:4711, 10.0.0.1' }, '203.0.113.21'],
      [{ 'x-forwarded-for': '10.0.0.1' }, '127.0.0.1'],
      [{}, '127.0.0.1'],
    ];
    for (const [forwarded, ip] of cases) {
      await s.json('PATCH', `/v1/links/${linkId}`, { campaign: ip }); // clears the cache: the app answers first
      await s.clickSink.flush();
      const seen = (await s.db.all<{ id: string }>(sql`select id from clicks`)).length;
      fastHits = 0;
      const viaApp = await raw(port, 'GET', `/${code}`, { 'user-agent': CHROME, ...forwarded });
      const viaFast = await raw(port, 'GET', `/${code}`, { 'user-agent': CHROME, ...forwarded });
      expect(fastHits).toBe(1);
      expect(shape(viaFast)).toEqual(shape(viaApp));
      await s.clickSink.flush();
      const rows = await s.db.all<{ visitor_hash: string }>(sql`select visitor_hash from clicks order by id`);
      expect([forwarded, rows.slice(seen).map((r) => r.visitor_hash)]).toEqual([forwarded, [visitor(ip), visitor(ip)]]);
    }
  });
});
