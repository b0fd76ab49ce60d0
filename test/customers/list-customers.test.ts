import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app';
import { addPartner, lead, leadByCode, sale, setup, T0 } from '../conversions/support';

// GET /v1/programs/:programId/customers — who was referred by whom and since when, newest first.

const MIN = 60_000;
let t: TestApp;
let program: any;
let jane: any;
let bob: any;
let other: { program: any; partner: any };
const ids: Record<string, string> = {};

beforeAll(async () => {
  ({ t, program, partner: jane } = await setup());
  bob = await addPartner(t, program.id, 'Bob Roe', 'bob@partner.test');
  // u_1 and u_3 by Jane's code, u_2 by Bob's, u_4 unattributed (a sale of a customer never seen), u_5 by Bob with an email.
  ids.u_1 = (await lead(t, { code: jane.code, customer: { externalId: 'u_1', email: 'Ann.Lee@Example.org', name: 'Ann Lee' } })).customer.id;
  t.advance(MIN);
  ids.u_2 = (await leadByCode(t, bob.code, 'u_2')).customer.id;
  t.advance(MIN);
  ids.u_3 = (await leadByCode(t, jane.code, 'u_3')).customer.id;
  t.advance(MIN);
  ids.u_4 = (await sale(t, program.id, 'u_4', 1000)).customer.id;
  t.advance(MIN);
  ids.u_5 = (await lead(t, { code: bob.code, customer: { externalId: 'u_5', email: 'ann.lee@example.org' } })).customer.id;
  // Another program with a customer of the same external id: never listed here.
  const p2 = await t.json('POST', '/v1/programs', { name: 'Globex', currency: 'EUR', defaultUrl: 'https://globex.test/', allowedHosts: ['globex.test'] });
  const p2Partner = await addPartner(t, p2.body.id, 'Gil', 'gil@partner.test');
  other = { program: p2.body, partner: p2Partner };
  ids.g_1 = (await leadByCode(t, p2Partner.code, 'u_1')).customer.id;
});

const list = async (qs = '', programId = program.id) => {
  const r = await t.json('GET', `/v1/programs/${programId}/customers${qs}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { data: any[]; nextCursor: string | null };
};
const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN).toISOString();

describe('GET /v1/programs/:programId/customers', () => {
  it('lists every customer of the program, newest first, with its partner and since when', async () => {
    const { data, nextCursor } = await list();
    expect(nextCursor).toBeNull();
    expect(data.map((c) => c.externalId)).toEqual(['u_5', 'u_4', 'u_3', 'u_2', 'u_1']);
    expect(data[4]).toEqual({
      id: ids.u_1,
      programId: program.id,
      externalId: 'u_1',
      email: 'Ann.Lee@example.org', // sent as Ann.Lee@Example.org: the domain is stored lower-case
      name: 'Ann Lee',
      partnerId: jane.id,
      partnerName: 'Jane Doe',
      linkId: jane.defaultLink.id,
      clickId: null,
      attributedAt: at(0),
      createdAt: at(0),
      updatedAt: at(0),
    });
    expect(data.map((c) => [c.externalId, c.partnerName, c.attributedAt, c.createdAt])).toEqual([
      ['u_5', 'Bob Roe', at(4), at(4)],
      ['u_4', null, null, at(3)],
      ['u_3', 'Jane Doe', at(2), at(2)],
      ['u_2', 'Bob Roe', at(1), at(1)],
      ['u_1', 'Jane Doe', at(0), at(0)],
    ]);
    expect(data[1]).toMatchObject({ partnerId: null, linkId: null, clickId: null, email: null, name: null });
    // No visitor hash, IP or anything beyond the fields above.
    for (const c of data) expect(Object.keys(c).sort()).toEqual(Object.keys(data[4]).sort());
  });

  it('pages with ?limit and ?cursor: every customer exactly once, in order', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const body: { data: any[]; nextCursor: string | null } = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(body.data.length).toBeLessThanOrEqual(2);
      seen.push(...body.data.map((c) => c.externalId));
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(['u_5', 'u_4', 'u_3', 'u_2', 'u_1']);
  });

  it('walks customers created in the same millisecond once each (ties broken by id)', async () => {
    const { t, program, partner } = await setup();
    for (const x of ['s_1', 's_2', 's_3', 's_4', 's_5']) await leadByCode(t, partner.code, x);
    const all = (await t.json('GET', `/v1/programs/${program.id}/customers`)).body.data.map((c: any) => c.id);
    expect(all).toEqual([...all].sort().reverse());
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: any = await t.json('GET', `/v1/programs/${program.id}/customers?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...r.body.data.map((c: any) => c.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
  });

  it('filters by partnerId, externalId (trimmed, exact) and email (ignoring case)', async () => {
    expect((await list(`?partnerId=${jane.id}`)).data.map((c) => c.externalId)).toEqual(['u_3', 'u_1']);
    expect((await list(`?partnerId=${bob.id}`)).data.map((c) => c.externalId)).toEqual(['u_5', 'u_2']);
    expect((await list(`?partnerId=${bob.id}&limit=1`)).data.map((c) => c.externalId)).toEqual(['u_5']);
    expect((await list('?externalId=u_2')).data.map((c) => c.id)).toEqual([ids.u_2]);
    expect((await list('?externalId=%20u_2%20')).data.map((c) => c.id)).toEqual([ids.u_2]);
    expect((await list('?externalId=U_2')).data).toEqual([]);
    expect((await list('?email=ann.lee@example.org')).data.map((c) => c.externalId)).toEqual(['u_5', 'u_1']);
    expect((await list('?email=ANN.LEE@EXAMPLE.ORG&partnerId=' + jane.id)).data.map((c) => c.externalId)).toEqual(['u_1']);
    expect((await list('?email=nobody@example.org')).data).toEqual([]);
    // The same external id in another program is that program's customer only.
    expect((await list('?externalId=u_1', other.program.id)).data.map((c) => [c.id, c.partnerId])).toEqual([[ids.g_1, other.partner.id]]);
    expect((await list('', other.program.id)).data.map((c) => c.id)).toEqual([ids.g_1]);
  });

  it('404 for an unknown program, and for a partnerId of another program or unknown', async () => {
    for (const path of [
      '/v1/programs/prg_nope/customers',
      `/v1/programs/${program.id}/customers?partnerId=${other.partner.id}`,
      `/v1/programs/${program.id}/customers?partnerId=ptn_nope`,
    ]) {
      const r = await t.json('GET', path);
      expect(r.status, path).toBe(404);
      expect(r.body.error.code).toBe('not_found');
    }
  });

  it('422 validation_failed naming the field for a bad query, never a 500', async () => {
    for (const [qs, field] of [
      ['?limit=0', 'limit'],
      ['?limit=201', 'limit'],
      ['?limit=abc', 'limit'],
      ['?cursor=%25%25%25', 'cursor'],
      ['?cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['?externalId=', 'externalId'],
      ['?externalId=%20%20', 'externalId'],
      ['?email=', 'email'],
      [`?email=${'a'.repeat(321)}`, 'email'],
      ['?partnerId=', 'partnerId'],
      [`?partnerId=${'p'.repeat(65)}`, 'partnerId'],
    ] as const) {
      const r = await t.json('GET', `/v1/programs/${program.id}/customers${qs}`);
      expect(r.status, qs).toBe(422);
      expect(r.body.error, qs).toMatchObject({ code: 'validation_failed', field });
    }
  });

  it('needs ledger:read: a programs:read or conversions:write key is 403, a ledger:read key reads', async () => {
    const key = async (scopes: string[]) => (await t.json('POST', '/v1/api-keys', { name: 'k', scopes })).body.key as string;
    for (const scopes of [['programs:read'], ['programs:write'], ['conversions:write']]) {
      const r = await t.json('GET', `/v1/programs/${program.id}/customers`, undefined, { authorization: `Bearer ${await key(scopes)}` });
      expect(r.status, scopes.join()).toBe(403);
    }
    for (const scopes of [['ledger:read'], ['ledger:write']]) {
      const r = await t.json('GET', `/v1/programs/${program.id}/customers?limit=1`, undefined, { authorization: `Bearer ${await key(scopes)}` });
      expect(r.status, scopes.join()).toBe(200);
      expect(r.body.data.map((c: any) => c.id)).toEqual([ids.u_5]);
    }
    expect((await t.app.request(`/v1/programs/${program.id}/customers`)).status).toBe(401);
  });
});
