import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY } from '../helpers/app';
import { expectUnauthorized, makePartnerApp, ok, rowCounts, snapshot, type Call, type PartnerApp } from './helpers';
import { seedWorld, type World } from './world';

// One world for the whole file: every request below must leave it exactly as it was.
let h: PartnerApp;
let w: World;
let asA: Call;
// B's records that the world does not name: a customer and one of his events.
let bCustomerId: string;
let bEventId: string;
/** A webhook endpoint of program 1 (the admin's; a partner token must not reach it). */
let hookId: string;
beforeAll(async () => {
  h = await makePartnerApp();
  w = await seedWorld(h);
  asA = h.as(w.A.token);
  bCustomerId = (await ok(h.admin('GET', `/v1/programs/${w.acme.id}/customers?partnerId=${w.B.id}`))).data[0].id;
  bEventId = ((await ok(h.admin('GET', `/v1/events?programId=${w.acme.id}&limit=200`))).data as any[]).find((e) => e.partnerId === w.B.id).id;
  hookId = (await ok(h.as(ADMIN_KEY)('POST', `/v1/programs/${w.acme.id}/webhooks`, { url: 'https://hooks.test/acme', events: ['sale.created'] }), 201)).id;
});

/** Every admin route, with a well-formed body, aimed at B, C, A's own records and both programs. */
function adminRoutes(w: World): [string, string, unknown?][] {
  const P1 = w.acme.id;
  const P2 = w.globex.id;
  const B = w.B.id;
  const A = w.A.id;
  const link = w.B.extraLink.id;
  return [
    ['GET', '/v1/programs'],
    ['POST', '/v1/programs', { name: 'Mine', currency: 'EUR', defaultUrl: 'https://evil.test/', allowedHosts: ['evil.test'] }],
    ['GET', `/v1/programs/${P1}`],
    ['GET', `/v1/programs/${P2}`],
    ['PATCH', `/v1/programs/${P1}`, { allowedHosts: ['evil.test'] }],
    ['PATCH', `/v1/programs/${P2}`, { name: 'Taken over' }],
    ['GET', `/v1/programs/${P1}/partners`],
    ['GET', `/v1/programs/${P2}/partners`],
    ['POST', `/v1/programs/${P1}/partners`, { name: 'Sock puppet', email: 'sock@partner.test' }],
    ['GET', `/v1/partners/${B}`],
    ['GET', `/v1/partners/${A}`],
    ['GET', `/v1/partners/${w.C.id}`],
    ['PATCH', `/v1/partners/${B}`, { status: 'suspended' }],
    ['PATCH', `/v1/partners/${A}`, { email: 'alice@evil.test' }],
    ['PATCH', `/v1/partners/${B}`, { payoutMethod: 'paypal', payoutDetails: 'alice@evil.test' }],
    ['GET', `/v1/partners/${B}/links`],
    ['GET', `/v1/partners/${A}/links`],
    ['POST', `/v1/partners/${B}/links`, { url: 'https://acme.test/x', code: 'hijack' }],
    ['POST', `/v1/partners/${A}/links`, { url: 'https://acme.test/y', code: 'hijack2' }],
    ['GET', `/v1/links/${link}`],
    ['GET', `/v1/links/${w.A.extraLink.id}`],
    ['PATCH', `/v1/links/${link}`, { url: 'https://shop.acme.test/evil' }],
    ['PATCH', `/v1/links/${link}`, { archived: true }],
    ['GET', `/v1/links/${link}/stats`],
    ['GET', `/v1/links/${w.A.extraLink.id}/stats`],
    ['GET', '/v1/api-keys'],
    ['POST', '/v1/api-keys', { name: 'escalate', scopes: ['*'] }],
    ['DELETE', `/v1/api-keys/${w.apiKey.id}`],
    ['POST', '/v1/track/lead', { code: 'ALICE', customer: { externalId: 'cus_fake' } }],
    ['POST', '/v1/track/sale', { programId: P1, customerExternalId: 'cus_a1', externalId: 'inv_fake', amount: 999999, currency: 'EUR' }],
    ['POST', '/v1/track/event', { programId: P1, customerExternalId: 'cus_a1', eventName: 'demo_requested' }],
    ['POST', '/v1/track/refund', { programId: P1, saleExternalId: 'inv_b1', externalId: 'rf_fake' }],
    ['GET', `/v1/programs/${P1}/rewards`],
    ['POST', `/v1/programs/${P1}/rewards`, { event: 'lead', type: 'fixed', amount: 100000 }],
    ['GET', `/v1/programs/${P1}/rewards/${w.leadRewardId}`],
    ['PATCH', `/v1/programs/${P1}/rewards/${w.leadRewardId}`, { amount: 100000 }],
    ['GET', `/v1/programs/${P1}/commissions`],
    ['GET', `/v1/programs/${P1}/commissions?partnerId=${B}`],
    ['GET', `/v1/programs/${P2}/commissions`],
    ['GET', `/v1/programs/${P1}/payouts`],
    ['GET', `/v1/programs/${P1}/payouts?status=canceled`],
    ['POST', `/v1/programs/${P1}/payouts`, { minAmount: 1 }],
    ['GET', `/v1/payouts/${w.B.payout.id}`],
    ['GET', `/v1/payouts/${w.A.payout.id}`],
    ['POST', `/v1/payouts/${w.B.payout.id}/mark-paid`, { reference: 'STOLEN' }],
    ['POST', `/v1/payouts/${w.B.payout.id}/cancel`, { reason: 'STOLEN' }],
    ['POST', `/v1/commissions/${w.B.commissionIds[0]}/void`, { reason: 'STOLEN' }],
    ['POST', `/v1/partners/${B}/adjustments`, { amount: -100, reason: 'STOLEN' }],
    ['POST', `/v1/partners/${A}/adjustments`, { amount: 100000, reason: 'bonus to myself' }],
    ['POST', `/v1/events/${bEventId}/attribute`],
    ['GET', `/v1/programs/${P1}/customers`],
    ['GET', `/v1/programs/${P1}/customers/${bCustomerId}`],
    ['GET', `/v1/partners/${B}/balance`],
    ['GET', `/v1/partners/${A}/balance`],
    ['GET', `/v1/events?programId=${P1}`],
    ['GET', '/v1/events'],
    ['POST', '/v1/jobs/approve-commissions'],
    ['POST', `/v1/partners/${B}/tokens`, {}],
    ['POST', `/v1/partners/${A}/tokens`, { ttlSeconds: 30 * 86_400 }],
    ['POST', `/v1/partners/${w.C.id}/tokens`, {}],
    ['POST', `/v1/partners/${B}/tokens/revoke`],
    ['POST', `/v1/partners/${B}/tokens/00000000-0000-4000-8000-000000000000/revoke`],
    ['GET', `/v1/programs/${P1}/report`],
    ['GET', `/v1/programs/${P1}/report?partnerId=${B}&groupBy=partner`],
    ['GET', `/v1/programs/${P2}/report`],
    ['GET', `/v1/programs/${P1}/leaderboard?metric=commissions`],
    ['GET', `/v1/programs/${P1}/kpis`],
    ['POST', `/v1/programs/${P1}/webhooks`, { url: 'https://hooks.test/x', events: ['sale.created'] }],
    ['GET', `/v1/programs/${P1}/webhooks`],
    ['GET', `/v1/webhooks/${hookId}`],
    ['PATCH', `/v1/webhooks/${hookId}`, { active: false }],
    ['DELETE', `/v1/webhooks/${hookId}`],
    ['POST', `/v1/webhooks/${hookId}/rotate-secret`],
    ['GET', `/v1/webhooks/${hookId}/deliveries`],
    ['POST', `/v1/webhooks/${hookId}/deliveries/whd_x/retry`],
  ];
}

describe('IDOR — a partner token (A) on every admin route', () => {
  it('every admin route answers 401 and nothing changes (with or without Idempotency-Key)', async () => {
    const routes = adminRoutes(w);
    const before = await snapshot(h.t);
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining(['api_keys', 'commissions', 'customers', 'events', 'idempotency_keys', 'links', 'partners', 'payouts', 'programs', 'reward_counters', 'rewards']),
    );
    for (const [method, path, body] of routes) {
      expectUnauthorized(await asA(method, path, body), `${method} ${path}`);
      if (method === 'POST') {
        expectUnauthorized(await asA(method, path, body, { 'idempotency-key': `idor-${path}` }), `${method} ${path} (idempotent)`);
      }
    }
    const after = await snapshot(h.t);
    expect(rowCounts(after)).toEqual(rowCounts(before));
    expect(after).toEqual(before);
  });

  it('the list names every mounted /v1 route outside /v1/me (a new admin route fails here until it is in the list)', () => {
    const asPattern = (path: string) => new RegExp(`^${path.replace(/:\w+/g, '[^/?]+')}(\\?.*)?$`);
    const mounted = [...new Set(h.app.routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/v1/') && !r.path.startsWith('/v1/me')).map((r) => `${r.method} ${r.path}`))];
    const listed = adminRoutes(w);
    const missing = mounted.filter((m) => {
      const [method, path] = m.split(' ') as [string, string];
      return !listed.some(([lm, lp]) => lm === method && asPattern(path).test(lp));
    });
    expect(missing).toEqual([]);
  });

  it('the same requests with the admin key are not 401 (the routes above exist and the 401s come from the credential)', async () => {
    for (const [method, path] of adminRoutes(w).filter(([m]) => m === 'GET')) {
      const r = await h.as(ADMIN_KEY)(method, path);
      expect(r.status, `${method} ${path}`).toBe(200);
    }
  });
});

describe('IDOR — /v1/me* with A’s token sees only A', () => {
  const foreign = () => [w.B.id, w.C.id, w.globex.id, w.B.extraLink.id, w.C.extraLink.id, w.B.payout.id, w.C.payout.id, ...w.B.commissionIds, ...w.C.commissionIds];

  it('exact ids and counts on every route; ids of others never appear', async () => {
    const me = await ok(asA('GET', '/v1/me'));
    expect([me.id, me.programId]).toEqual([w.A.id, w.acme.id]);

    const links = await ok(asA('GET', '/v1/me/links?limit=200'));
    expect(links.data.map((l: any) => l.id).sort()).toEqual([w.A.defaultLink.id, w.A.extraLink.id].sort());

    const commissions = await ok(asA('GET', '/v1/me/commissions?limit=200'));
    expect(commissions.data.map((c: any) => c.id).sort()).toEqual(w.A.commissionIds);
    expect(commissions.data).toHaveLength(4);

    const payouts = await ok(asA('GET', '/v1/me/payouts?limit=200'));
    expect(payouts.data.map((p: any) => p.id)).toEqual([w.A.payout.id]);

    const balance = await ok(asA('GET', '/v1/me/balance'));
    expect(balance.partnerId).toBe(w.A.id);
    expect(balance.balances.map((b: any) => [b.unit, b.pending, b.approved, b.paid])).toEqual([['EUR', 1000, 0, 4000]]);

    const text = JSON.stringify([me, links, commissions, payouts, balance]);
    for (const id of foreign()) expect(text, id).not.toContain(id);
  });

  it('query parameters naming another partner or program are refused (422 unknown_parameter), never applied', async () => {
    const qs = `partnerId=${w.B.id}&programId=${w.globex.id}&limit=200`;
    for (const path of ['/v1/me/commissions', '/v1/me/payouts', '/v1/me/links', '/v1/me/customers', '/v1/me', '/v1/me/balance']) {
      const r = await asA('GET', `${path}?${qs}`);
      expect(r.status, path).toBe(422);
      expect(r.body.error, path).toMatchObject({ code: 'validation_failed', reason: 'unknown_parameter', field: 'partnerId' });
      for (const id of foreign()) expect(JSON.stringify(r.body), `${path} ${id}`).not.toContain(id.slice(4));
    }
    // /v1/me/report takes partnerId (the program report language): only A's own, another's is a 404
    expect((await asA('GET', `/v1/me/report?partnerId=${w.B.id}`)).status).toBe(404);
    expect((await asA('GET', `/v1/me/report?partnerId=${w.A.id}`)).status).toBe(200);
  });

  it('B (same program) and C (other program) each see only their own', async () => {
    const asB = h.as(w.B.token);
    expect((await ok(asB('GET', '/v1/me/links'))).data.map((l: any) => l.id).sort()).toEqual([w.B.defaultLink.id, w.B.extraLink.id].sort());
    expect((await ok(asB('GET', '/v1/me/commissions'))).data.map((c: any) => c.id).sort()).toEqual(w.B.commissionIds);
    expect(w.B.commissionIds).toHaveLength(2);
    const asC = h.as(w.C.token);
    expect((await ok(asC('GET', '/v1/me'))).programId).toBe(w.globex.id);
    expect((await ok(asC('GET', '/v1/me/commissions'))).data.map((c: any) => c.id).sort()).toEqual(w.C.commissionIds);
    expect((await ok(asC('GET', '/v1/me/payouts'))).data.map((p: any) => p.id)).toEqual([w.C.payout.id]);
  });

  it('POST /v1/me/links with a url off A’s allowed hosts (even C’s program host) → 422 and no row', async () => {
    const before = await snapshot(h.t);
    for (const url of ['https://globex.test/join', 'https://evil.test/']) {
      const r = await asA('POST', '/v1/me/links', { url });
      expect(r.status, JSON.stringify(r.body)).toBe(422);
      expect(r.body.error).toMatchObject({ code: 'validation_failed', reason: 'host_not_allowed', field: 'url' });
    }
    expect(await snapshot(h.t)).toEqual(before);
  });

  it('PUT /v1/me/payout-details cannot name another partner (422, nothing written); A’s own never reach B', async () => {
    const before = await snapshot(h.t);
    for (const body of [{ method: 'paypal', details: 'alice@evil.test', partnerId: w.B.id }, { method: 'paypal', details: 'alice@evil.test', programId: w.globex.id }]) {
      const r = await asA('PUT', '/v1/me/payout-details', body);
      expect(r.status, JSON.stringify(r.body)).toBe(422);
      expect(r.body.error).toMatchObject({ code: 'validation_failed', field: Object.keys(body)[2] });
    }
    expect((await asA('PUT', `/v1/me/payout-details?partnerId=${w.B.id}`, { method: 'paypal', details: 'alice@evil.test' })).status).toBe(422);
    expect(await snapshot(h.t)).toEqual(before);
    // A sets her own (then back to none, leaving the world as it was): B's /v1/me stays without them.
    const r = await ok(asA('PUT', '/v1/me/payout-details', { method: 'paypal', details: 'alice-payouts@example.com' }));
    expect(r.partnerId).toBe(w.A.id);
    const asB = h.as(w.B.token);
    for (const path of ['/v1/me', '/v1/me/payouts', '/v1/me/commissions', '/v1/me/links']) expect(JSON.stringify((await ok(asB('GET', path)))), path).not.toContain('alice-payouts');
    expect((await ok(asB('GET', '/v1/me'))).payoutDetails).toBeNull();
    expect((await ok(h.admin('GET', `/v1/partners/${w.B.id}`))).payoutDetails).toBeNull();
    await ok(h.admin('PATCH', `/v1/partners/${w.A.id}`, { payoutMethod: null, payoutDetails: null }));
  });

  it('paths that would name another record under /v1/me do not exist', async () => {
    for (const path of [`/v1/me/links/${w.B.extraLink.id}`, `/v1/me/payouts/${w.B.payout.id}`, `/v1/me/${w.B.id}`, `/v1/me/partners/${w.B.id}/links`]) {
      const r = await asA('GET', path);
      expect(r.status, path).toBe(404);
    }
  });
});
