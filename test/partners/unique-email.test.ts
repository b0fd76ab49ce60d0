import { beforeEach, describe, expect, it } from 'vitest';
import { makeApp, seedProgram, type TestApp } from '../helpers/app';
import { countRows, expectApiError, rawClient } from '../foundation/support';
import { startServer } from '../helpers/server';

// One partner per email and program (trimmed, any case): a second is 409 email_taken, nothing written.
let t: TestApp;
let program: { id: string };
let partner: { id: string; email: string };
beforeEach(async () => {
  t = await makeApp();
  ({ program, partner } = await seedProgram(t)); // jane@partner.test
});

const enrol = (programId: string, body: Record<string, unknown>) => t.json('POST', `/v1/programs/${programId}/partners`, body);

describe('partner email — create', () => {
  it('the same email again, in any case or with spaces, is 409 email_taken and writes no partner or link', async () => {
    for (const email of ['jane@partner.test', 'JANE@Partner.Test', '  jane@partner.test ']) {
      const r = await enrol(program.id, { name: 'Dup', email, code: 'dup-code' });
      expectApiError(r, 409, 'conflict');
      expect(r.body.error.reason).toBe('email_taken');
    }
    expect(await countRows(t, 'partners')).toBe(1);
    expect(await countRows(t, 'links')).toBe(1);
    expect((await t.app.request('/dup-code')).status).toBe(404);
  });

  it('stores the email trimmed and lower-case; another email, or the same one in another program, is 201', async () => {
    const other = await enrol(program.id, { name: 'Bob', email: ' Bob@Partner.TEST ' });
    expect(other.status).toBe(201);
    expect(other.body.email).toBe('bob@partner.test');
    const p2 = await t.json('POST', '/v1/programs', { name: 'Second', currency: 'EUR', defaultUrl: 'https://acme.test/', allowedHosts: ['acme.test'] });
    expect((await enrol(p2.body.id, { name: 'Jane', email: 'jane@partner.test' })).status).toBe(201);
    expect(await countRows(t, 'partners')).toBe(3);
    expect(await countRows(t, 'links')).toBe(3);
  });

  it('a row stored before the rule in another case or with spaces still counts', async () => {
    await rawClient(t).execute({ sql: `update partners set email = ' JANE@partner.test' where id = ?`, args: [partner.id] });
    const r = await enrol(program.id, { name: 'Dup', email: 'jane@partner.test' });
    expectApiError(r, 409, 'conflict');
    expect(r.body.error.reason).toBe('email_taken');
  });

  it('ten concurrent sign-ups with one email: exactly one 201, nine 409 email_taken', async () => {
    const rs = await Promise.all(Array.from({ length: 10 }, (_, i) => enrol(program.id, { name: `P${i}`, email: i % 2 ? 'Same@x.test' : 'same@x.test' })));
    expect(rs.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    expect(rs.filter((r) => r.status === 409).every((r) => r.body.error.reason === 'email_taken')).toBe(true);
    expect(await countRows(t, 'partners')).toBe(2);
    expect(await countRows(t, 'links')).toBe(2);
  });
});

describe('partner email — PATCH', () => {
  it("another partner's email is 409 email_taken, nothing changed; its own (any case) and a free one are 200", async () => {
    const bob = (await enrol(program.id, { name: 'Bob', email: 'bob@partner.test' })).body;
    const taken = await t.json('PATCH', `/v1/partners/${bob.id}`, { email: ' Jane@Partner.test', name: 'Bobby' });
    expectApiError(taken, 409, 'conflict');
    expect(taken.body.error.reason).toBe('email_taken');
    const unchanged = await t.json('GET', `/v1/partners/${bob.id}`);
    expect([unchanged.body.name, unchanged.body.email]).toEqual(['Bob', 'bob@partner.test']);
    const own = await t.json('PATCH', `/v1/partners/${bob.id}`, { email: 'BOB@partner.test' });
    expect([own.status, own.body.email]).toEqual([200, 'bob@partner.test']);
    const free = await t.json('PATCH', `/v1/partners/${bob.id}`, { email: 'robert@partner.test' });
    expect([free.status, free.body.email]).toEqual([200, 'robert@partner.test']);
    // the old email is free again
    expect((await enrol(program.id, { name: 'New Bob', email: 'bob@partner.test' })).status).toBe(201);
  });

  it('a missing partner is still 404; a PATCH without email is not checked', async () => {
    expectApiError(await t.json('PATCH', '/v1/partners/ptn_missing', { email: 'x@y.test' }), 404, 'not_found');
    const r = await t.json('PATCH', `/v1/partners/${partner.id}`, { name: 'Jane D.' });
    expect([r.status, r.body.name, r.body.email]).toEqual([200, 'Jane D.', 'jane@partner.test']);
  });
});

describe('partner email — concurrency on a database file', () => {
  it('concurrent sign-ups and PATCHes to one email over HTTP leave exactly one partner with it', async () => {
    const s = await startServer();
    try {
      const prg = (await s.json('POST', '/v1/programs', { name: 'C', currency: 'EUR', defaultUrl: 'https://a.test/', allowedHosts: ['a.test'] })).body;
      const others = await Promise.all([1, 2, 3].map((i) => s.json('POST', `/v1/programs/${prg.id}/partners`, { name: `O${i}`, email: `o${i}@x.test` })));
      const rs = await Promise.all([
        ...Array.from({ length: 5 }, (_, i) => s.json('POST', `/v1/programs/${prg.id}/partners`, { name: `N${i}`, email: 'race@x.test' })),
        ...others.map((o) => s.json('PATCH', `/v1/partners/${o.body.id}`, { email: 'RACE@x.test' })),
      ]);
      expect(rs.filter((r) => r.status === 200 || r.status === 201)).toHaveLength(1);
      expect(rs.filter((r) => r.status === 409 && r.body.error.reason === 'email_taken')).toHaveLength(7);
      const list = await s.json('GET', `/v1/programs/${prg.id}/partners?limit=100`);
      expect(list.body.data.filter((p: { email: string }) => p.email === 'race@x.test')).toHaveLength(1);
    } finally {
      await s.stop();
    }
  });
});
