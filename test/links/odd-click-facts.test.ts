import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { request, type OutgoingHttpHeaders } from 'node:http';
import { startServer } from '../helpers/server';
import { createNodeServer, listen } from '../../src/node-server';

// Odd request facts (duplicate headers, forwarded chains, garbage country, huge or non-ASCII user
// agents) must be recorded the same whether the app's route or Node's fast path answers.
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0';

type Headers = Record<string, string | string[]>;

function get(port: number, path: string, headers: Headers): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'GET', path, headers: headers as OutgoingHttpHeaders }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end();
  });
}

type Row = Record<string, unknown>;
const FACTS = sql`select link_id, country, device_type, browser, os, referrer_host, paid_ads, bot, bot_reason, is_unique, visitor_hash from clicks order by id`;

describe('odd click facts: app route and Node fast path record the same', () => {
  let s: Awaited<ReturnType<typeof startServer>>;
  let appOnly: ReturnType<typeof createNodeServer>;
  let appPort = 0;
  let fastPort = 0;
  let fastHits = 0;
  let fast: ReturnType<typeof createNodeServer>;
  const codes = { app: 'odd-app', fast: 'odd-fast' };
  const linkIds: Record<string, string> = {};

  beforeAll(async () => {
    s = await startServer({ env: { TRUST_PROXY: '1', COUNTRY_HEADER: 'X-Country' } });
    appOnly = createNodeServer({ app: s.app, fastRedirect: () => false });
    appPort = await listen(appOnly, 0, '127.0.0.1');
    fast = createNodeServer({ app: s.app, fastRedirect: (req, res) => (s.fastRedirect(req, res) ? (fastHits++, true) : false) });
    fastPort = await listen(fast, 0, '127.0.0.1');
    const program = await s.json('POST', '/v1/programs', { name: 'O', currency: 'EUR', defaultUrl: 'https://a.test/', allowedHosts: ['a.test'] });
    const partner = await s.json('POST', `/v1/programs/${program.body.id}/partners`, { name: 'P', email: 'p@p.test' });
    for (const [k, code] of Object.entries(codes)) {
      linkIds[k] = (await s.json('POST', `/v1/partners/${partner.body.id}/links`, { url: 'https://a.test/x', code })).body.id;
    }
  });
  afterAll(async () => {
    await new Promise<void>((r) => appOnly.close(() => r()));
    await new Promise<void>((r) => fast.close(() => r()));
    await s.stop();
  });

  /** The click row each path stores for the same request (link and uniqueness aside). */
  async function both(headers: Headers, query = '', fastAnswers = true): Promise<{ app: Row; fast: Row }> {
    await get(fastPort, `/${codes.fast}`, { 'user-agent': 'warm-up' }); // cached: later requests take the fast path
    await s.clickSink.flush();
    await s.db.run(sql`delete from clicks`);
    const hits = fastHits;
    expect(await get(appPort, `/${codes.app}${query}`, headers)).toBe(302);
    expect(await get(fastPort, `/${codes.fast}${query}`, headers)).toBe(302);
    expect(fastHits).toBe(hits + (fastAnswers ? 1 : 0));
    await s.clickSink.flush();
    const rows = await s.db.all<Row>(FACTS);
    expect(rows).toHaveLength(2);
    const facts = (linkId: string) => {
      const { link_id: _l, is_unique: _u, ...r } = rows.find((row) => row.link_id === linkId)!;
      return r;
    };
    return { app: facts(linkIds.app!), fast: facts(linkIds.fast!) };
  }

  // Node keeps the first line of each, the app joins them: such requests are left to the app.
  it('two User-Agent lines: the same user agent and visitor on both paths', async () => {
    const r = await both({ 'user-agent': [CHROME, FIREFOX], 'x-forwarded-for': '203.0.113.5' }, '', false);
    expect(r.fast).toEqual(r.app);
    expect(r.app).toMatchObject({ browser: 'Chrome', os: 'Windows', bot: 0 });
  });

  it('two Referer lines: the same referrer host on both paths', async () => {
    const r = await both({ 'user-agent': CHROME, referer: ['https://one.test', 'https://two.test/b'], 'x-forwarded-for': '203.0.113.5' }, '', false);
    expect(r.fast).toEqual(r.app);
    expect(r.app.referrer_host).toBeNull(); // 'https://one.test, https://two.test/b' is no URL
  });

  it('forwarded chains, IPv6, garbage, garbage country, 10 KB and non-ASCII user agents: identical facts', async () => {
    const cases: Headers[] = [
      { 'user-agent': CHROME, 'x-forwarded-for': ' 10.0.0.1 ,  203.0.113.7 ' },
      { 'user-agent': CHROME, 'x-forwarded-for': ['10.0.0.1', '2001:db8::1'] },
      { 'user-agent': CHROME, 'x-forwarded-for': 'not-an-ip, ' },
      { 'user-agent': CHROME, 'x-country': ['de', 'fr'] },
      { 'user-agent': CHROME, 'x-country': 'T1' },
      { 'user-agent': CHROME + ' ' + 'x'.repeat(10_000) },
      { 'user-agent': 'Mozilla/5.0 (Linux; Android 13; Pixel 7) Chrome/120.0 Mobile Safari/537.36 \u00c4\u00d6' },
      { 'sec-purpose': 'anonymous-client-ip', 'user-agent': CHROME },
      { 'sec-purpose': ['anonymous-client-ip', 'x'], purpose: 'y', 'user-agent': CHROME },
      {},
    ];
    for (const headers of cases) {
      const r = await both(headers, '?gclid=1');
      expect(r.fast, JSON.stringify(headers).slice(0, 80)).toEqual(r.app);
      expect(r.app.paid_ads).toBe(1);
    }
  });
});

describe('COUNTRY_HEADER', () => {
  async function clickCountry(env: Record<string, string>, headers: Headers): Promise<{ status: number; country: unknown }> {
    const s = await startServer({ env });
    try {
      const program = await s.json('POST', '/v1/programs', { name: 'C', currency: 'EUR', defaultUrl: 'https://a.test/', allowedHosts: ['a.test'] });
      const partner = await s.json('POST', `/v1/programs/${program.body.id}/partners`, { name: 'P', email: 'p@p.test' });
      const port = Number(new URL(s.base).port);
      const status = await get(port, `/${partner.body.code}`, { 'user-agent': CHROME, ...headers });
      await s.clickSink.flush();
      const rows = await s.db.all<Row>(sql`select country from clicks`);
      return { status, country: rows[0]?.country };
    } finally {
      await s.stop();
    }
  }

  it('empty is the default cf-ipcountry (was a 500 and no click: Headers.get("") throws)', async () => {
    expect(await clickCountry({ COUNTRY_HEADER: '' }, { 'cf-ipcountry': 'nl' })).toEqual({ status: 302, country: 'NL' });
  });

  it('set: read case-insensitively and upper-cased; XX, T1, lower case and long garbage', async () => {
    expect(await clickCountry({ COUNTRY_HEADER: 'X-Geo-Country' }, { 'x-geo-country': 'de', 'cf-ipcountry': 'FR' })).toEqual({ status: 302, country: 'DE' });
    for (const v of ['XX', 'T1', 'deu', 'd'.repeat(4000)]) {
      expect(await clickCountry({}, { 'cf-ipcountry': v })).toEqual({ status: 302, country: null });
    }
  });

  it('not a header name is a start-up error naming the variable', async () => {
    await expect(startServer({ env: { COUNTRY_HEADER: 'cf ipcountry' } })).rejects.toThrow(/COUNTRY_HEADER/);
  });
});
