import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import worker, { type Env } from '../../src/worker';
import { openNodeDb } from '../../src/db/node-client';
import { startSqld, sqldSupported, type Sqld } from '../helpers/sqld';
import { SPAWN_TEST_TIMEOUT_MS } from '../helpers/spawn-server';

const ADMIN_KEY = 'test-admin-key-0123456789abcdefghij';
const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

/**
 * The Workers entry on its Turso path: LIBSQL_URL set, so src/worker.ts talks to a real sqld
 * through @libsql/client/web (Hrana over HTTP, fetch only), exactly as it would on Cloudflare.
 */
describe.skipIf(!sqldSupported)('worker.ts with LIBSQL_URL against a real sqld', () => {
  let sqld: Sqld;
  let env: Env;
  const pending: Promise<unknown>[] = [];
  const ctx = {
    waitUntil: (p: Promise<unknown>) => void pending.push(p),
    passThroughOnException: () => {},
    props: {},
  } as unknown as ExecutionContext;

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const req = new Request(`https://ref.test${path}`, {
      method,
      redirect: 'manual',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return worker.fetch(req, env, ctx);
  }

  async function drain() {
    while (pending.length > 0) await Promise.all(pending.splice(0));
  }

  beforeAll(async () => {
    sqld = await startSqld();
    // Migrations go through the Node client over HTTP (drizzle's libSQL migrator).
    await openNodeDb(sqld.url);
    env = { LIBSQL_URL: sqld.url, ADMIN_API_KEY: ADMIN_KEY, VISITOR_SALT: 'test-salt', PUBLIC_URL: 'https://ref.test' };
  }, SPAWN_TEST_TIMEOUT_MS);

  afterAll(async () => {
    await drain().catch(() => {});
    await sqld?.stop();
  });

  it('creates a program, partner and link, redirects, and counts the click', async () => {
    const health = await call('GET', '/health');
    expect(health.status).toBe(200);

    const program = await call('POST', '/v1/programs', {
      name: 'Acme referrals',
      currency: 'EUR',
      defaultUrl: 'https://acme.test/signup',
      allowedHosts: ['acme.test'],
    });
    expect(program.status).toBe(201);
    const { id: programId } = (await program.json()) as { id: string };

    const partner = await call('POST', `/v1/programs/${programId}/partners`, { name: 'Jane Doe', email: 'jane@partner.test' });
    expect(partner.status).toBe(201);
    const { id: partnerId } = (await partner.json()) as { id: string };

    const created = await call('POST', `/v1/partners/${partnerId}/links`, { url: 'https://acme.test/pricing', utm: { source: 'partner' } });
    expect(created.status).toBe(201);
    const link = (await created.json()) as { id: string; code: string; shortUrl: string };
    expect(link.shortUrl).toBe(`https://ref.test/${link.code}`);

    const redirect = await call('GET', `/${link.code}`, undefined, { 'user-agent': CHROME_WINDOWS, 'cf-connecting-ip': '203.0.113.7' });
    expect(redirect.status).toBe(302);
    const location = new URL(redirect.headers.get('location')!);
    expect(location.origin + location.pathname).toBe('https://acme.test/pricing');
    expect(location.searchParams.get('utm_source')).toBe('partner');
    expect(location.searchParams.get('rcid')).toMatch(/^clk_[0-9A-Za-z]{20}$/);

    expect(pending.length).toBe(1); // the click write was handed to waitUntil, not awaited
    await drain();

    const stats = await call('GET', `/v1/links/${link.id}/stats`);
    expect(stats.status).toBe(200);
    expect(await stats.json()).toEqual({ linkId: link.id, clicks: 1, uniqueClicks: 1, botClicks: 0 });
  });
  it('8 identical clicks at once, each written from its own waitUntil over HTTP, store one unique click', async () => {
    const program = (await (await call('POST', '/v1/programs', { name: 'Race', currency: 'EUR', defaultUrl: 'https://acme.test/', allowedHosts: ['acme.test'] })).json()) as { id: string };
    const partner = (await (await call('POST', `/v1/programs/${program.id}/partners`, { name: 'P', email: 'p@partner.test' })).json()) as { defaultLink: { id: string; code: string } };
    const { id: linkId, code } = partner.defaultLink;
    const visits = await Promise.all(Array.from({ length: 8 }, () => call('GET', `/${code}`, undefined, { 'user-agent': CHROME_WINDOWS, 'cf-connecting-ip': '203.0.113.8' })));
    expect(visits.map((r) => r.status)).toEqual(Array(8).fill(302));
    await drain();
    const db = await openNodeDb(sqld.url);
    const { rows } = await db.$client.execute({ sql: 'select count(*) as n, sum(is_unique) as u from clicks where link_id = ?', args: [linkId] });
    db.$client.close();
    expect({ ...rows[0] }).toEqual({ n: 8, u: 1 });
    expect(await (await call('GET', `/v1/links/${linkId}/stats`)).json()).toEqual({ linkId, clicks: 8, uniqueClicks: 1, botClicks: 0 });
  });
});
