import { beforeEach, describe, expect, it } from 'vitest';
import { expectApiError } from '../foundation/support';
import { T0, createPartner, createProgram, issueToken, makePartnerApp, ok, snapshot, type Call, type PartnerApp } from './helpers';
import { SETTLED, seedWorld, type World } from './world';

let h: PartnerApp;
let w: World;
let asA: Call;
beforeEach(async () => {
  h = await makePartnerApp();
  w = await seedWorld(h);
  asA = h.as(w.A.token);
});

describe('GET /v1/me', () => {
  it('returns the partner and its program', async () => {
    expect(await ok(asA('GET', '/v1/me'))).toEqual({
      id: w.A.id,
      programId: w.acme.id,
      name: 'Alice',
      email: 'alice@partner.test',
      externalId: null,
      code: 'ALICE',
      status: 'active',
      payoutMethod: null,
      payoutDetails: null,
      payoutDetailsUpdatedAt: null,
      createdAt: T0.toISOString(),
      updatedAt: T0.toISOString(),
      program: { id: w.acme.id, name: 'Acme referrals', currency: 'EUR' },
    });
    expect(await ok(h.as(w.C.token)('GET', '/v1/me'))).toMatchObject({ id: w.C.id, program: { id: w.globex.id, name: 'Globex referrals', currency: 'USD' } });
  });
});

describe('/v1/me/links', () => {
  it('GET lists the partner’s links with short URLs', async () => {
    const r = await ok(asA('GET', '/v1/me/links'));
    expect(r.nextCursor).toBeNull();
    expect(r.data.map((l: any) => l.id).sort()).toEqual([w.A.defaultLink.id, w.A.extraLink.id].sort());
    expect(r.data.find((l: any) => l.id === w.A.extraLink.id)).toEqual(w.A.extraLink);
    expect(r.data.find((l: any) => l.id === w.A.defaultLink.id).shortUrl).toBe('https://ref.test/ALICE');
  });

  it('GET paginates with limit and cursor', async () => {
    const p1 = await ok(asA('GET', '/v1/me/links?limit=1'));
    expect(p1.data).toHaveLength(1);
    expect(p1.nextCursor).toEqual(expect.any(String));
    const p2 = await ok(asA('GET', `/v1/me/links?limit=1&cursor=${p1.nextCursor}`));
    expect(p2.data).toHaveLength(1);
    expect(p2.nextCursor).toBeNull();
    expect([p1.data[0].id, p2.data[0].id].sort()).toEqual([w.A.defaultLink.id, w.A.extraLink.id].sort());
    expectApiError(await asA('GET', '/v1/me/links?limit=0'), 422, 'validation_failed', 'limit');
    expectApiError(await asA('GET', '/v1/me/links?cursor=%%%'), 422, 'validation_failed', 'cursor');
  });

  it('POST creates a link for the signed-in partner that redirects', async () => {
    const r = await asA('POST', '/v1/me/links', {
      url: 'https://shop.acme.test/pricing?plan=pro',
      code: 'alice-pro',
      campaign: 'spring',
      utm: { source: 'newsletter', medium: 'email' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toEqual({
      id: expect.stringMatching(/^lnk_[A-Za-z0-9]{20}$/),
      programId: w.acme.id,
      partnerId: w.A.id,
      code: 'alice-pro',
      url: 'https://shop.acme.test/pricing?plan=pro',
      shortUrl: 'https://ref.test/alice-pro',
      campaign: 'spring',
      utm: { source: 'newsletter', medium: 'email' },
      archived: false,
      createdAt: SETTLED.toISOString(),
      updatedAt: SETTLED.toISOString(),
    });
    expect((await ok(asA('GET', '/v1/me/links'))).data).toHaveLength(3);
    expect((await ok(h.admin('GET', `/v1/links/${r.body.id}`))).partnerId).toBe(w.A.id);

    const visit = await h.app.request('/alice-pro', { headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/127.0' } });
    expect(visit.status).toBe(302);
    expect(visit.headers.get('location')).toMatch(/^https:\/\/shop\.acme\.test\/pricing\?plan=pro&utm_source=newsletter&utm_medium=email&rcid=clk_/);
  });

  it('POST without a url uses the program’s default URL and a generated code', async () => {
    const r = await ok(asA('POST', '/v1/me/links', {}), 201);
    expect(r).toMatchObject({ partnerId: w.A.id, url: 'https://acme.test/signup', code: expect.stringMatching(/^[2-9a-z]{8}$/) });
  });

  it.each([
    ['https://evil.test/', 'host_not_allowed'],
    ['https://globex.test/join', 'host_not_allowed'], // another program's host
    ['https://acme.test.evil.test/', 'host_not_allowed'],
    ['javascript:alert(1)', 'scheme_not_allowed'],
    ['https://user:pw@acme.test/', 'credentials_not_allowed'],
    ['https://evil.test\\@acme.test/', 'invalid_url'],
  ])('POST with url %s → 422 %s and no row', async (url, reason) => {
    const before = await snapshot(h.t);
    const r = await asA('POST', '/v1/me/links', { url });
    expectApiError(r, 422, 'validation_failed', 'url');
    expect(r.body.error.reason).toBe(reason);
    expect(await snapshot(h.t)).toEqual(before);
  });

  it('POST cannot name another partner or program, and a taken code is a 409', async () => {
    const before = await snapshot(h.t);
    expectApiError(await asA('POST', '/v1/me/links', { partnerId: w.B.id }), 422, 'validation_failed', 'partnerId');
    expectApiError(await asA('POST', '/v1/me/links', { programId: w.globex.id }), 422, 'validation_failed', 'programId');
    const taken = await asA('POST', '/v1/me/links', { code: 'bob' });
    expectApiError(taken, 409, 'conflict');
    expect(taken.body.error.reason).toBe('code_taken');
    expectApiError(await asA('POST', '/v1/me/links', { code: 'portal' }), 422, 'validation_failed', 'code');
    expect(await snapshot(h.t)).toEqual(before);
  });

  it('POST honours Idempotency-Key per token', async () => {
    const first = await asA('POST', '/v1/me/links', { code: 'alice-once' }, { 'idempotency-key': 'k1' });
    expect(first.status).toBe(201);
    const again = await asA('POST', '/v1/me/links', { code: 'alice-once' }, { 'idempotency-key': 'k1' });
    expect(again.status).toBe(201);
    expect(again.res.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await ok(asA('GET', '/v1/me/links'))).data).toHaveLength(3);
  });
});

describe('/v1/me/commissions, /v1/me/payouts, /v1/me/balance', () => {
  it('commissions: the partner’s entries, newest first, filtered by status, paginated', async () => {
    const all = await ok(asA('GET', '/v1/me/commissions'));
    expect(all.nextCursor).toBeNull();
    expect(all.data.map((c: any) => c.id).sort()).toEqual(w.A.commissionIds);
    expect(all.data).toHaveLength(4);
    expect(all.data.every((c: any) => c.partnerId === w.A.id && c.recipient === 'partner')).toBe(true);
    expect(all.data.map((c: any) => c.amount).sort()).toEqual([1000, 1000, 1000, 2000]);

    const paid = await ok(asA('GET', '/v1/me/commissions?status=paid'));
    expect(paid.data.map((c: any) => [c.status, c.payoutId])).toEqual([
      ['paid', w.A.payout.id],
      ['paid', w.A.payout.id],
      ['paid', w.A.payout.id],
    ]);
    const pending = await ok(asA('GET', '/v1/me/commissions?status=pending'));
    expect(pending.data.map((c: any) => [c.kind, c.amount, c.status, c.payoutId])).toEqual([['commission', 1000, 'pending', null]]);
    expect((await ok(asA('GET', '/v1/me/commissions?status=approved'))).data).toEqual([]);

    const p1 = await ok(asA('GET', '/v1/me/commissions?limit=3'));
    const p2 = await ok(asA('GET', `/v1/me/commissions?limit=3&cursor=${p1.nextCursor}`));
    expect([p1.data.length, p2.data.length, p2.nextCursor]).toEqual([3, 1, null]);
    expect([...p1.data, ...p2.data].map((c: any) => c.id)).toEqual(all.data.map((c: any) => c.id));

    expectApiError(await asA('GET', '/v1/me/commissions?status=mine'), 422, 'validation_failed', 'status');
  });

  it('payouts: only the partner’s own', async () => {
    const r = await ok(asA('GET', '/v1/me/payouts'));
    expect(r).toEqual({ data: [{ ...w.A.payout, status: 'paid', reference: 'SEPA-A-1', paidAt: SETTLED.toISOString() }], nextCursor: null });
    expect(r.data[0]).toMatchObject({ partnerId: w.A.id, amount: 4000, entryCount: 3, unit: 'EUR' });
    const b = await ok(h.as(w.B.token)('GET', '/v1/me/payouts'));
    expect(b.data.map((p: any) => [p.id, p.amount, p.status])).toEqual([[w.B.payout.id, 2000, 'pending']]);
  });

  it('balance: per unit, exact', async () => {
    expect(await ok(asA('GET', '/v1/me/balance'))).toEqual({
      partnerId: w.A.id,
      balances: [{ unit: 'EUR', pending: 1000, approved: 0, paid: 4000, formatted: { pending: '10.00', approved: '0.00', paid: '40.00' } }],
    });
    expect((await ok(h.as(w.C.token)('GET', '/v1/me/balance'))).balances).toEqual([
      { unit: 'USD', pending: 0, approved: 5000, paid: 0, formatted: { pending: '0.00', approved: '50.00', paid: '0.00' } },
    ]);
  });

  it('a two-sided reward’s customer credit is not listed as the partner’s commission', async () => {
    const fresh = await makePartnerApp();
    const p = await createProgram(fresh);
    const jane = await createPartner(fresh, p.id, 'Jane', 'jane@partner.test', 'JANE');
    for (const recipient of ['partner', 'customer']) {
      await ok(fresh.admin('POST', `/v1/programs/${p.id}/rewards`, { event: 'sale', recipient, type: 'fixed', amount: 500 }), 201);
    }
    await ok(fresh.admin('POST', '/v1/track/lead', { code: 'JANE', customer: { externalId: 'cus_1' } }));
    await ok(fresh.admin('POST', '/v1/track/sale', { programId: p.id, customerExternalId: 'cus_1', externalId: 'inv_1', amount: 4900, currency: 'EUR' }));
    const ledger = (await ok(fresh.admin('GET', `/v1/programs/${p.id}/commissions?partnerId=${jane.id}`))).data;
    expect(ledger.map((c: any) => c.recipient).sort()).toEqual(['customer', 'partner']);
    const mine = (await ok(fresh.as(await issueToken(fresh, jane.id))('GET', '/v1/me/commissions'))).data;
    expect(mine.map((c: any) => [c.recipient, c.amount])).toEqual([['partner', 500]]);
  });
});
