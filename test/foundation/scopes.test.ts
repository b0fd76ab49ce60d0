import { beforeAll, describe, expect, it } from 'vitest';
import { makeApp, seedProgram, type TestApp } from '../helpers/app';
import { grants, SCOPES, type Scope } from '../../src/middleware/auth';
import { rawClient } from './support';

// Every admin route with the scopes it needs, and a well-formed request for it. The last test
// checks this table against the app's own route list, so a new route cannot be left out.
type Row = { method: string; path: (w: World) => string; needs: Scope[]; body?: unknown };
type World = { programId: string; partnerId: string; linkId: string; rewardId: string; keyId: string };
/** A well-formed partner token id (jti) for the route that revokes one token. */
const TOKEN_ID_X = '00000000-0000-4000-8000-000000000000';

const ROUTES: Row[] = [
  { method: 'POST', path: () => '/v1/api-keys', needs: ['*'], body: { name: 'x', scopes: ['programs:read'] } },
  { method: 'GET', path: () => '/v1/api-keys', needs: ['*'] },
  { method: 'DELETE', path: (w) => `/v1/api-keys/${w.keyId}`, needs: ['*'] },
  { method: 'POST', path: () => '/v1/programs', needs: ['programs:write'], body: { name: 'P', currency: 'EUR', defaultUrl: 'https://a.test/', allowedHosts: ['a.test'] } },
  { method: 'GET', path: () => '/v1/programs', needs: ['programs:read'] },
  { method: 'GET', path: (w) => `/v1/programs/${w.programId}`, needs: ['programs:read'] },
  { method: 'PATCH', path: (w) => `/v1/programs/${w.programId}`, needs: ['programs:write'], body: { name: 'Renamed' } },
  { method: 'POST', path: (w) => `/v1/programs/${w.programId}/partners`, needs: ['programs:write'], body: { name: 'B', email: 'b@partner.test' } },
  { method: 'GET', path: (w) => `/v1/programs/${w.programId}/partners`, needs: ['programs:read'] },
  { method: 'GET', path: (w) => `/v1/partners/${w.partnerId}`, needs: ['programs:read'] },
  { method: 'PATCH', path: (w) => `/v1/partners/${w.partnerId}`, needs: ['programs:write'], body: { status: 'suspended' } },
  { method: 'POST', path: (w) => `/v1/partners/${w.partnerId}/links`, needs: ['programs:write'], body: { url: 'https://acme.test/x' } },
  { method: 'GET', path: (w) => `/v1/partners/${w.partnerId}/links`, needs: ['programs:read'] },
  { method: 'GET', path: (w) => `/v1/links/${w.linkId}`, needs: ['programs:read'] },
  { method: 'PATCH', path: (w) => `/v1/links/${w.linkId}`, needs: ['programs:write'], body: { archived: true } },
  { method: 'GET', path: (w) => `/v1/links/${w.linkId}/stats`, needs: ['programs:read'] },
  { method: 'POST', path: () => '/v1/track/lead', needs: ['conversions:write'], body: { code: 'JANE', customer: { externalId: 'c1' } } },
  { method: 'POST', path: (w) => '/v1/track/sale', needs: ['conversions:write'], body: { programId: 'prg_x', customerExternalId: 'c1', externalId: 's1', amount: 100, currency: 'EUR' } },
  { method: 'POST', path: () => '/v1/track/event', needs: ['conversions:write'], body: { programId: 'prg_x', customerExternalId: 'c1', eventName: 'demo' } },
  { method: 'POST', path: () => '/v1/track/refund', needs: ['conversions:write'], body: { programId: 'prg_x', saleExternalId: 's1', externalId: 'r1' } },
  { method: 'POST', path: (w) => `/v1/programs/${w.programId}/rewards`, needs: ['programs:write'], body: { event: 'lead', type: 'fixed', amount: 100 } },
  { method: 'GET', path: (w) => `/v1/programs/${w.programId}/rewards`, needs: ['programs:read'] },
  { method: 'GET', path: (w) => `/v1/programs/${w.programId}/rewards/${w.rewardId}`, needs: ['programs:read'] },
  { method: 'PATCH', path: (w) => `/v1/programs/${w.programId}/rewards/${w.rewardId}`, needs: ['programs:write'], body: { amount: 999 } },
  { method: 'GET', path: (w) => `/v1/programs/${w.programId}/commissions`, needs: ['ledger:read'] },
  { method: 'GET', path: () => '/v1/events', needs: ['ledger:read'] },
  { method: 'GET', path: (w) => `/v1/programs/${w.programId}/customers`, needs: ['ledger:read'] },
  { method: 'GET', path: (w) => `/v1/programs/${w.programId}/customers/cus_x`, needs: ['ledger:read'] },
  { method: 'POST', path: () => '/v1/events/evt_x/attribute', needs: ['conversions:write'] },
  { method: 'GET', path: (w) => `/v1/partners/${w.partnerId}/balance`, needs: ['ledger:read'] },
  { method: 'POST', path: () => '/v1/jobs/approve-commissions', needs: ['ledger:write'] },
  { method: 'POST', path: (w) => `/v1/programs/${w.programId}/payouts`, needs: ['ledger:write'], body: {} },
  { method: 'GET', path: (w) => `/v1/programs/${w.programId}/payouts`, needs: ['ledger:read'] },
  { method: 'GET', path: () => '/v1/payouts/pay_x', needs: ['ledger:read'] },
  { method: 'POST', path: () => '/v1/payouts/pay_x/mark-paid', needs: ['ledger:write'], body: { reference: 'R' } },
  { method: 'POST', path: () => '/v1/payouts/pay_x/cancel', needs: ['ledger:write'], body: { reason: 'wrong IBAN' } },
  { method: 'POST', path: () => '/v1/commissions/com_x/void', needs: ['ledger:write'], body: { reason: 'fraud' } },
  { method: 'POST', path: (w) => `/v1/partners/${w.partnerId}/adjustments`, needs: ['ledger:write'], body: { amount: 100, unit: 'EUR', reason: 'bonus' } },
  { method: 'GET', path: (w) => `/v1/programs/${w.programId}/report`, needs: ['ledger:read'] },
  { method: 'GET', path: (w) => `/v1/programs/${w.programId}/leaderboard`, needs: ['ledger:read'] },
  { method: 'GET', path: (w) => `/v1/programs/${w.programId}/kpis`, needs: ['ledger:read'] },
  { method: 'POST', path: (w) => `/v1/partners/${w.partnerId}/tokens`, needs: ['programs:write', 'ledger:read'], body: {} },
  { method: 'POST', path: (w) => `/v1/partners/${w.partnerId}/tokens/revoke`, needs: ['programs:write'] },
  { method: 'POST', path: (w) => `/v1/partners/${w.partnerId}/tokens/${TOKEN_ID_X}/revoke`, needs: ['programs:write'] },
  { method: 'POST', path: (w) => `/v1/programs/${w.programId}/webhooks`, needs: ['programs:write', 'ledger:read'], body: { url: 'https://hooks.acme.test/reflink', events: ['sale.created'] } },
  { method: 'GET', path: (w) => `/v1/programs/${w.programId}/webhooks`, needs: ['programs:read'] },
  { method: 'GET', path: () => '/v1/webhooks/whk_x', needs: ['programs:read'] },
  { method: 'PATCH', path: () => '/v1/webhooks/whk_x', needs: ['programs:write', 'ledger:read'], body: { active: false } },
  { method: 'DELETE', path: () => '/v1/webhooks/whk_x', needs: ['programs:write'] },
  { method: 'POST', path: () => '/v1/webhooks/whk_x/rotate-secret', needs: ['programs:write'] },
  { method: 'GET', path: () => '/v1/webhooks/whk_x/deliveries', needs: ['programs:read'] },
  { method: 'POST', path: () => '/v1/webhooks/whk_x/deliveries/whd_x/retry', needs: ['programs:write'] },
];

const TABLES = ['api_keys', 'programs', 'partners', 'links', 'rewards', 'events', 'customers', 'commissions', 'payouts', 'reward_counters', 'idempotency_keys', 'revoked_partner_tokens', 'webhook_endpoints', 'webhook_deliveries'];

async function snapshot(t: TestApp) {
  const out: Record<string, unknown[]> = {};
  for (const table of TABLES) out[table] = (await rawClient(t).execute(`select * from ${table} order by rowid`)).rows.map((r) => ({ ...r }));
  return out;
}

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await makeApp({ env: { JWT_SECRET: 'x'.repeat(32) } });
  const { program, partner } = await seedProgram(t, {});
  const reward = await t.json('POST', `/v1/programs/${program.id}/rewards`, { event: 'lead', type: 'fixed', amount: 100 });
  const key = await t.json('POST', '/v1/api-keys', { name: 'victim', scopes: ['programs:read'] });
  w = { programId: program.id, partnerId: partner.id, linkId: partner.defaultLink.id, rewardId: reward.body.id, keyId: key.body.id };
});

describe('scopes — every admin route refuses a key without its scope', () => {
  it.each(ROUTES.map((r) => [`${r.method} ${r.path({ programId: ':programId', partnerId: ':partnerId', linkId: ':linkId', rewardId: ':rewardId', keyId: ':keyId' })}`, r] as const))(
    '%s → 403 for every key lacking one of its scopes, nothing written',
    async (_name, row) => {
      const before = await snapshot(t);
      for (const lacking of row.needs) {
        // Every scope that does not grant the one lacking (not `*`, not it, not a write scope
        // implying it): the most a key without it can carry.
        const scopes = SCOPES.filter((s) => !grants([s], lacking));
        const minted = await t.json('POST', '/v1/api-keys', { name: 'probe', scopes });
        expect(minted.status).toBe(201);
        const res = await t.json(row.method, row.path(w), row.body, { authorization: `Bearer ${minted.body.key}`, 'idempotency-key': 'probe-1' });
        expect(res.status, `${row.method} ${row.path(w)} without ${lacking}: ${JSON.stringify(res.body)}`).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
        await t.json('DELETE', `/v1/api-keys/${minted.body.id}`);
      }
      const after = await snapshot(t);
      // Only the probe keys themselves were added to api_keys.
      const notProbe = (s: Record<string, unknown[]>) => ({ ...s, api_keys: s.api_keys!.filter((k: any) => k.name !== 'probe') });
      expect(notProbe(after)).toEqual(notProbe(before));
    },
  );

  it('a key holding exactly the listed scopes passes the scope check on every route', async () => {
    for (const row of ROUTES) {
      if (row.needs.includes('*')) continue;
      const minted = await t.json('POST', '/v1/api-keys', { name: 'exact', scopes: row.needs });
      const res = await t.json(row.method, row.path(w), row.body, { authorization: `Bearer ${minted.body.key}` });
      expect([401, 403], `${row.method} ${row.path(w)}: ${JSON.stringify(res.body)}`).not.toContain(res.status);
    }
  });

  it('the table covers every /v1 route outside /v1/me', () => {
    const norm = (p: string) => p.replace(/\/$/, '').replace(/:\w+/g, ':id');
    const registered = new Set(
      t.app.routes
        .filter((r) => r.path.startsWith('/v1/') && !r.path.startsWith('/v1/me') && r.method !== 'ALL')
        .map((r) => `${r.method} ${norm(r.path)}`),
    );
    const probe: World = { programId: ':id', partnerId: ':id', linkId: ':id', rewardId: ':id', keyId: ':id' };
    const listed = new Set(ROUTES.map((r) => `${r.method} ${norm(r.path(probe).replace(/\b(pay|com|cus|evt|whk|whd)_x\b/g, ':id').replace(TOKEN_ID_X, ':id'))}`));
    expect([...registered].sort()).toEqual([...listed].sort());
  });
});
