import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Client, InStatement, ResultSet } from '@libsql/client';
import { makeApp, seedProgram, type TestApp } from '../helpers/app';
import { createLink, visit } from '../foundation/support';

// A redirect whose lookup read the link before an update committed must not put that old row back
// into the link cache after the update cleared it. The database is real: the redirect's read runs
// against it, and only its answer is held back until the update has finished.

let t: TestApp;
let partner: { id: string };
let release: () => void = () => {};
let restore: () => void = () => {};
beforeEach(async () => {
  t = await makeApp();
  ({ partner } = await seedProgram(t));
});
afterEach(() => {
  release();
  restore();
});

/** Holds back the answer of the next redirect lookup (it has already read the row); resolves once it has read. */
function slowNextLookup(): Promise<void> {
  const client = t.db.$client as Client;
  const execute = client.execute.bind(client);
  let held = false;
  let readDone!: () => void;
  const read = new Promise<void>((r) => (readDone = r));
  const gate = new Promise<void>((r) => (release = r));
  client.execute = (async (stmt: InStatement, args?: unknown) => {
    const sql = typeof stmt === 'string' ? stmt : stmt.sql;
    const result: ResultSet = await (execute as (s: InStatement, a?: unknown) => Promise<ResultSet>)(stmt, args);
    if (!held && /inner join "partners"/i.test(sql) && /"code_key"/.test(sql)) {
      held = true;
      readDone();
      await gate;
    }
    return result;
  }) as Client['execute'];
  restore = () => {
    client.execute = execute;
  };
  return read;
}

describe('link cache — a lookup racing an invalidation', () => {
  it('an update that lands while a lookup is in flight is served at once, not the row the lookup read', async () => {
    const link = await createLink(t, partner.id, { url: 'https://acme.test/a', code: 'race' });
    const hasRead = slowNextLookup();
    const inFlight = visit(t, '/race');
    await hasRead; // the redirect has read the link with url /a
    expect((await t.json('PATCH', `/v1/links/${link.id}`, { url: 'https://acme.test/b' })).status).toBe(200);
    release();
    // The redirect that started before the update answers with what it read.
    expect(new URL((await inFlight).headers.get('location')!).pathname).toBe('/a');
    restore();
    for (let i = 0; i < 2; i++) expect(new URL((await visit(t, '/race')).headers.get('location')!).pathname).toBe('/b');
  });

  it('an archive that lands while a lookup is in flight stops the clicks at once', async () => {
    const link = await createLink(t, partner.id, { url: 'https://acme.test/a', code: 'race-archive' });
    const hasRead = slowNextLookup();
    const inFlight = visit(t, '/race-archive');
    await hasRead;
    expect((await t.json('PATCH', `/v1/links/${link.id}`, { archived: true })).status).toBe(200);
    release();
    expect((await inFlight).status).toBe(302);
    restore();
    const res = await visit(t, '/race-archive');
    expect(res.headers.get('location')).toBe('https://acme.test/signup');
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('a code created while its miss is in flight is found at once (the miss is not cached over the create)', async () => {
    const hasRead = slowNextLookup();
    const inFlight = visit(t, '/fresh');
    await hasRead;
    await createLink(t, partner.id, { url: 'https://acme.test/fresh', code: 'fresh' });
    release();
    expect((await inFlight).status).toBe(404);
    restore();
    const res = await visit(t, '/fresh');
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location')!).pathname).toBe('/fresh');
  });

  it("a code created while another code's lookup is in flight does not keep that lookup from caching", async () => {
    // Creating a link forgets only its own code: a steady stream of creations (an integration making a
    // link per sign-up) must not keep every other link out of the cache, and so off Node's fast path.
    await createLink(t, partner.id, { url: 'https://acme.test/busy', code: 'busy' });
    const hasRead = slowNextLookup();
    const inFlight = visit(t, '/busy');
    await hasRead;
    await createLink(t, partner.id, { url: 'https://acme.test/other', code: 'other' });
    release();
    expect((await inFlight).status).toBe(302);
    restore();
    const cached = t.deps.linkCache.peek('busy');
    expect(cached?.url).toBe('https://acme.test/busy');
    expect(cached?.partnerStatus).toBe('active');
  });

  it('a lookup in flight across two invalidations of its own code and another still does not cache the old row', async () => {
    const link = await createLink(t, partner.id, { url: 'https://acme.test/a', code: 'twice' });
    const hasRead = slowNextLookup();
    const inFlight = visit(t, '/twice');
    await hasRead;
    expect((await t.json('PATCH', `/v1/links/${link.id}`, { url: 'https://acme.test/b' })).status).toBe(200);
    await createLink(t, partner.id, { url: 'https://acme.test/c', code: 'unrelated' });
    release();
    expect(new URL((await inFlight).headers.get('location')!).pathname).toBe('/a');
    restore();
    expect(t.deps.linkCache.peek('twice')).toBeUndefined();
    expect(new URL((await visit(t, '/twice')).headers.get('location')!).pathname).toBe('/b');
  });
});
