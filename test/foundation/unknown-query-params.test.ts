import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, makeApp, seedProgram, type TestApp } from '../helpers/app';
import { rawClient } from './support';

// Every /v1 route refuses a query parameter it does not take: 422 validation_failed with reason
// unknown_parameter, naming it. The routes come from the app's own route list, so a route added
// later is covered without touching this file; the table below says which parameters each route
// takes (every route not in it takes none), and the last test checks the table against the app.
const TAKES: Record<string, string[]> = {
  'GET /v1/api-keys': ['limit', 'cursor'],
  'GET /v1/programs': ['limit', 'cursor'],
  'GET /v1/programs/:id/partners': ['limit', 'cursor', 'email', 'status'],
  'GET /v1/partners/:id/links': ['limit', 'cursor'],
  'GET /v1/programs/:id/rewards': ['limit', 'cursor'],
  'GET /v1/programs/:id/commissions': ['limit', 'cursor', 'partnerId', 'customerId', 'status'],
  'GET /v1/events': ['limit', 'cursor', 'programId', 'customerExternalId'],
  'GET /v1/programs/:id/payouts': ['limit', 'cursor', 'partnerId', 'status'],
  'GET /v1/payouts/:id': ['limit', 'cursor', 'format'],
  'GET /v1/programs/:id/customers': ['limit', 'cursor', 'partnerId', 'externalId', 'email'],
  'GET /v1/programs/:id/report': ['from', 'to', 'groupBy', 'partnerId', 'campaign', 'format'],
  'GET /v1/programs/:id/leaderboard': ['from', 'to', 'metric', 'limit'],
  'GET /v1/programs/:id/kpis': ['from', 'to'],
  'GET /v1/programs/:id/webhooks': ['limit', 'cursor'],
  'GET /v1/webhooks/:id/deliveries': ['limit', 'cursor', 'status'],
  'GET /v1/me/links': ['limit', 'cursor'],
  'GET /v1/me/commissions': ['limit', 'cursor', 'status'],
  'GET /v1/me/customers': ['limit', 'cursor'],
  'GET /v1/me/payouts': ['limit', 'cursor'],
  'GET /v1/me/payouts/:id': ['limit', 'cursor', 'format'],
  'GET /v1/me/report': ['from', 'to', 'groupBy', 'partnerId', 'campaign', 'format'],
};

const TABLES = ['api_keys', 'programs', 'partners', 'links', 'rewards', 'events', 'customers', 'commissions', 'payouts', 'reward_counters', 'idempotency_keys', 'revoked_partner_tokens', 'webhook_endpoints', 'webhook_deliveries'];

async function snapshot(t: TestApp) {
  const out: Record<string, unknown[]> = {};
  for (const table of TABLES) out[table] = (await rawClient(t).execute(`select * from ${table} order by rowid`)).rows.map((r) => ({ ...r }));
  return out;
}

const norm = (p: string) => p.replace(/:\w+/g, ':id');

/** Every /v1 route the app registers, once each, as `METHOD /v1/…/:id`. */
function v1Routes(t: TestApp): { method: string; path: string; key: string }[] {
  const seen = new Map<string, { method: string; path: string; key: string }>();
  for (const r of t.app.routes) {
    if (!r.path.startsWith('/v1/') || r.method === 'ALL') continue;
    const key = `${r.method} ${norm(r.path)}`;
    if (!seen.has(key)) seen.set(key, { method: r.method, path: r.path, key });
  }
  return [...seen.values()];
}

const message = (name: string, takes: string[]) =>
  `${name}: unknown query parameter (this route ${takes.length > 0 ? `takes ${takes.join(', ')}` : 'takes no query parameters'})`;

let t: TestApp;
let partnerToken: string;
let ids: Record<string, string>;
beforeAll(async () => {
  t = await makeApp({ env: { JWT_SECRET: 'x'.repeat(32) } });
  const { program, partner } = await seedProgram(t, {});
  const token = await t.json('POST', `/v1/partners/${partner.id}/tokens`, {});
  expect(token.status).toBe(201);
  partnerToken = token.body.token;
  ids = { programId: program.id, partnerId: partner.id, linkId: partner.defaultLink.id };
});

/** The route's path with real ids where the world has them (the rest are ids nobody has). */
const pathOf = (path: string) => path.replace(/:(\w+)/g, (_m, name: string) => ids[name] ?? `${name.replace(/Id$/, '')}_x`);

async function call(method: string, path: string, credential: string | null) {
  const res = await t.app.request(path, { method, headers: credential === null ? {} : { authorization: `Bearer ${credential}` } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

describe('unknown query parameters on /v1', () => {
  it('the app has the routes this file iterates over (admin and /v1/me)', () => {
    const routes = v1Routes(t);
    expect(routes.length).toBeGreaterThanOrEqual(53);
    expect(routes.filter((r) => r.path.startsWith('/v1/me')).length).toBeGreaterThanOrEqual(10);
  });

  it('every route: ?bogus=1 → 422 unknown_parameter naming bogus and what the route takes; nothing written', async () => {
    const before = await snapshot(t);
    for (const r of v1Routes(t)) {
      const credential = r.path.startsWith('/v1/me') ? partnerToken : ADMIN_KEY;
      const res = await call(r.method, `${pathOf(r.path)}?bogus=1`, credential);
      expect(res.status, `${r.key}: ${JSON.stringify(res.body)}`).toBe(422);
      expect(res.body, r.key).toEqual({
        error: { code: 'validation_failed', message: message('bogus', TAKES[r.key] ?? []), requestId: expect.any(String), reason: 'unknown_parameter', field: 'bogus' },
      });
    }
    expect(await snapshot(t)).toEqual(before);
  });

  it('every route: an unknown parameter next to accepted ones is still refused (the first unknown is named)', async () => {
    for (const r of v1Routes(t)) {
      const takes = TAKES[r.key] ?? [];
      const qs = new URLSearchParams([...(takes.includes('limit') ? [['limit', '1']] : []), ['partner_id', 'ptn_x'], ['zzz', '1']]);
      const res = await call(r.method, `${pathOf(r.path)}?${qs}`, r.path.startsWith('/v1/me') ? partnerToken : ADMIN_KEY);
      expect(res.status, r.key).toBe(422);
      expect(res.body.error, r.key).toMatchObject({ reason: 'unknown_parameter', field: 'partner_id' });
    }
  });

  it('is checked before the credential, as the body size is: no credential, a partner token on an admin route, an admin key on /v1/me', async () => {
    for (const r of v1Routes(t)) {
      for (const credential of [null, r.path.startsWith('/v1/me') ? ADMIN_KEY : partnerToken]) {
        const res = await call(r.method, `${pathOf(r.path)}?bogus=1`, credential);
        expect([res.status, res.body.error.reason], `${r.key} with ${credential === null ? 'no credential' : 'the wrong credential'}`).toEqual([422, 'unknown_parameter']);
      }
    }
  });

  it('names are case-sensitive, a bare key is a parameter too, and a nameless one is the query’s', async () => {
    const P = ids.programId;
    const cases: [string, string][] = [
      [`/v1/programs/${P}/commissions?Limit=5`, 'Limit'],
      [`/v1/programs/${P}/commissions?partnerid=ptn_x`, 'partnerid'],
      [`/v1/programs/${P}/partners?e-mail=jane@partner.test`, 'e-mail'],
      [`/v1/programs/${P}?verbose`, 'verbose'],
      [`/v1/programs/${P}?=1`, 'query'],
    ];
    for (const [path, field] of cases) {
      const res = await call('GET', path, ADMIN_KEY);
      expect([res.status, res.body.error.reason, res.body.error.field], path).toEqual([422, 'unknown_parameter', field]);
    }
  });

  it('the parameters a route takes still work; a repeated one is 422 repeated_parameter, also where a list would have hidden it', async () => {
    const P = ids.programId;
    for (const path of [
      '/v1/programs?limit=1',
      `/v1/programs/${P}/commissions?limit=1&status=pending`,
      `/v1/programs/${P}/partners?limit=1&status=active&email=jane@partner.test`,
      `/v1/programs/${P}/report?from=2026-01-01&to=2026-01-31&groupBy=partner&format=json`,
      `/v1/programs/${P}/leaderboard?from=2026-01-01&to=2026-01-31&metric=leads&limit=3`,
      `/v1/programs/${P}/kpis?from=2026-01-01&to=2026-01-31`,
      `/v1/events?programId=${P}&customerExternalId=c1&limit=5`,
    ]) {
      expect((await call('GET', path, ADMIN_KEY)).status, path).toBe(200);
    }
    for (const path of ['/v1/me/commissions?status=paid&limit=2', '/v1/me/report?from=2026-01-01&to=2026-01-31&format=json']) {
      expect((await call('GET', path, partnerToken)).status, path).toBe(200);
    }
    // nothing after the ? at all is no parameter
    expect((await call('GET', '/v1/programs?', ADMIN_KEY)).status).toBe(200);
    expect((await call('GET', `/v1/partners/${ids.partnerId}?`, ADMIN_KEY)).status).toBe(200);
    const twice = await call('GET', '/v1/programs?limit=1&limit=2', ADMIN_KEY);
    expect(twice.status).toBe(422);
    expect(twice.body.error).toMatchObject({ code: 'validation_failed', message: 'limit: given more than once; send each query parameter once', field: 'limit', reason: 'repeated_parameter' });
    // a string filter given twice was a list to zod ("expected string, received array"); the same value twice too
    for (const path of [`/v1/programs/${P}/commissions?status=pending&status=paid`, `/v1/programs/${P}/commissions?status=paid&status=paid`]) {
      const r = await call('GET', path, ADMIN_KEY);
      expect([r.status, r.body.error.field, r.body.error.reason], path).toEqual([422, 'status', 'repeated_parameter']);
    }
  });

  it('only /v1: the redirect forwards a visitor\'s query, the portal and /health ignore it, unknown /v1 paths stay 404', async () => {
    const code = (await t.json('GET', `/v1/partners/${ids.partnerId}`)).body.code as string;
    const visit = await t.app.request(`/${code}?bogus=1&utm_source=news`);
    expect(visit.status).toBe(302);
    expect(new URL(visit.headers.get('location')!).searchParams.get('bogus')).toBe('1');
    expect((await t.app.request('/portal/login?bogus=1')).status).toBe(200);
    expect((await t.app.request('/health?bogus=1')).status).toBe(200);
    for (const path of ['/v1/nothing-here?bogus=1', '/v1/programs/x/nothing?bogus=1', '/v1/?bogus=1']) {
      const res = await call('GET', path, ADMIN_KEY);
      expect([res.status, res.body.error.code], path).toEqual([404, 'not_found']);
    }
  });

  it('the table names only routes the app has, each with a query validator', () => {
    const keys = new Set(v1Routes(t).map((r) => r.key));
    for (const key of Object.keys(TAKES)) expect(keys.has(key), key).toBe(true);
  });
});
