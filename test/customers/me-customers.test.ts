import { beforeAll, describe, expect, it } from 'vitest';
import { createPartner, createProgram, expectUnauthorized, issueToken, makePartnerApp, ok, T0, type PartnerApp } from '../me/helpers';

// GET /v1/me/customers — a partner's own referred customers, by reflink id only (never who they are).

const MIN = 60_000;
let h: PartnerApp;
let programId: string;
let jane: any;
let bob: any;
let tokens: { jane: string; bob: string; gil: string };
const ids: Record<string, string> = {};

const lead = async (code: string, externalId: string, extra: Record<string, unknown> = {}) =>
  (await ok(h.admin('POST', '/v1/track/lead', { code, customer: { externalId, email: `${externalId}@example.org`, name: 'Secret Name' }, ...extra }))).customer.id as string;

beforeAll(async () => {
  h = await makePartnerApp();
  programId = (await createProgram(h)).id;
  jane = await createPartner(h, programId, 'Jane Doe', 'jane@partner.test');
  bob = await createPartner(h, programId, 'Bob Roe', 'bob@partner.test');
  ids.u_1 = await lead(jane.code, 'u_1');
  h.t.advance(MIN);
  ids.u_2 = await lead(bob.code, 'u_2');
  h.t.advance(MIN);
  ids.u_3 = await lead(jane.code, 'u_3');
  h.t.advance(MIN);
  ids.u_4 = await lead(jane.code, 'u_4');
  h.t.advance(MIN);
  // Bob's referral takes u_3 over (last click): it is Bob's customer now, no longer Jane's.
  await lead(bob.code, 'u_3', { eventName: 'trial_started' });
  const p2 = (await createProgram(h, { name: 'Globex' })).id;
  const gil = await createPartner(h, p2, 'Gil', 'gil@partner.test');
  ids.g_1 = await lead(gil.code, 'u_1');
  tokens = { jane: await issueToken(h, jane.id), bob: await issueToken(h, bob.id), gil: await issueToken(h, gil.id) };
});

const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN).toISOString();

describe('GET /v1/me/customers', () => {
  it('lists only the customers the partner has now, newest first, as id, link and since when', async () => {
    const mine = await ok(h.as(tokens.jane)('GET', '/v1/me/customers'));
    expect(mine).toEqual({
      data: [
        { id: ids.u_4, linkId: jane.defaultLink.id, attributedAt: at(3), createdAt: at(3) },
        { id: ids.u_1, linkId: jane.defaultLink.id, attributedAt: at(0), createdAt: at(0) },
      ],
      nextCursor: null,
    });
    const bobs = await ok(h.as(tokens.bob)('GET', '/v1/me/customers'));
    expect(bobs.data).toEqual([
      { id: ids.u_3, linkId: bob.defaultLink.id, attributedAt: at(4), createdAt: at(2) },
      { id: ids.u_2, linkId: bob.defaultLink.id, attributedAt: at(1), createdAt: at(1) },
    ]);
    expect((await ok(h.as(tokens.gil)('GET', '/v1/me/customers'))).data.map((c: any) => c.id)).toEqual([ids.g_1]);
  });

  it('never shows an email, name or external id', async () => {
    const raw = await (await h.app.request('/v1/me/customers', { headers: { authorization: `Bearer ${tokens.jane}` } })).text();
    expect(raw).not.toMatch(/example\.org|Secret Name|u_1|u_4|externalId|email/);
  });

  it('pages with ?limit and ?cursor; the query cannot widen the scope', async () => {
    const first = await ok(h.as(tokens.jane)('GET', '/v1/me/customers?limit=1'));
    expect(first.data.map((c: any) => c.id)).toEqual([ids.u_4]);
    const second = await ok(h.as(tokens.jane)('GET', `/v1/me/customers?limit=1&cursor=${first.nextCursor}`));
    expect(second).toEqual({ data: [expect.objectContaining({ id: ids.u_1 })], nextCursor: null });
    // A cursor made from Bob's list moves Jane's page, never into Bob's customers.
    const bobCursor = (await ok(h.as(tokens.bob)('GET', '/v1/me/customers?limit=1'))).nextCursor;
    expect((await ok(h.as(tokens.jane)('GET', `/v1/me/customers?cursor=${bobCursor}`))).data.map((c: any) => c.id)).toEqual([ids.u_1]);
  });

  it('422 for a bad limit or cursor; 401 for an admin key, a missing or a bad token', async () => {
    for (const qs of ['?limit=0', '?limit=x', '?cursor=%25']) {
      const r = await h.as(tokens.jane)('GET', `/v1/me/customers${qs}`);
      expect(r.status, qs).toBe(422);
      expect(r.body.error.code).toBe('validation_failed');
    }
    expectUnauthorized(await h.admin('GET', '/v1/me/customers'));
    expectUnauthorized(await h.as(null)('GET', '/v1/me/customers'));
    expectUnauthorized(await h.as(`${tokens.jane}x`)('GET', '/v1/me/customers'));
  });

  it('a partner token on the admin customers routes is a 401', async () => {
    expectUnauthorized(await h.as(tokens.jane)('GET', `/v1/programs/${programId}/customers`));
    expectUnauthorized(await h.as(tokens.jane)('GET', `/v1/programs/${programId}/customers?partnerId=${jane.id}`));
    expectUnauthorized(await h.as(tokens.jane)('GET', `/v1/programs/${programId}/customers/${ids.u_1}`));
  });
});
