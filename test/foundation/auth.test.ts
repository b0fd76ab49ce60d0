import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, makeApp, programInput, type TestApp } from '../helpers/app';
import { sha256Hex } from '../../src/lib/hash';
import { countRows, expectApiError, rawRows } from './support';

let t: TestApp;
beforeEach(async () => {
  t = await makeApp();
});

async function mintKey(scopes: string[], name = 'ci key') {
  const r = await t.json('POST', '/v1/api-keys', { name, scopes });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; key: string; prefix: string; scopes: string[] };
}

const as = (key: string) => ({ authorization: `Bearer ${key}` });

describe('auth — happy', () => {
  it('accepts the root ADMIN_API_KEY', async () => {
    const r = await t.json('GET', '/v1/programs');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ data: [], nextCursor: null });
  });

  it('POST /v1/api-keys mints an rk_ key shown once, with id, prefix and scopes', async () => {
    const r = await t.json('POST', '/v1/api-keys', { name: 'reporting', scopes: ['programs:read'] });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      id: expect.stringMatching(/^key_[A-Za-z0-9]{20}$/),
      name: 'reporting',
      scopes: ['programs:read'],
      createdAt: t.now.toISOString(),
      revokedAt: null,
    });
    expect(r.body.key).toMatch(/^rk_[A-Za-z0-9_-]{20,}$/);
    expect(r.body.prefix).toBe(r.body.key.slice(0, r.body.prefix.length));
    expect(r.body.prefix.length).toBeLessThan(r.body.key.length / 2);

    // Shown once: the list never includes a secret.
    const list = await t.json('GET', '/v1/api-keys');
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).not.toHaveProperty('key');
    expect(JSON.stringify(list.body)).not.toContain(r.body.key);
  });

  it('stores only the SHA-256 of a key and its display prefix, never the plaintext', async () => {
    const a = await mintKey(['programs:read']);
    const b = await mintKey(['*'], 'second');
    const rows = await rawRows(t, 'api_keys');
    expect(rows).toHaveLength(2);
    for (const k of [a, b]) {
      const row = rows.find((x) => x.id === k.id)!;
      expect(row.hash).toBe(await sha256Hex(k.key));
      expect(row.prefix).toBe(k.prefix);
    }
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(a.key);
    expect(dump).not.toContain(b.key);
    // The root key is never stored at all.
    expect(dump).not.toContain(ADMIN_KEY);
  });

  it('a minted key works with the scopes it carries', async () => {
    const reader = await mintKey(['programs:read']);
    expect((await t.json('GET', '/v1/programs', undefined, as(reader.key))).status).toBe(200);
    const writer = await mintKey(['programs:write', 'programs:read']);
    const created = await t.json('POST', '/v1/programs', programInput, as(writer.key));
    expect(created.status).toBe(201);
    const star = await mintKey(['*']);
    expect((await t.json('GET', `/v1/programs/${created.body.id}`, undefined, as(star.key))).status).toBe(200);
  });

  it('DELETE /v1/api-keys/:id revokes; revoking twice is harmless', async () => {
    const k = await mintKey(['programs:read']);
    t.advance(60_000);
    const r = await t.json('DELETE', `/v1/api-keys/${k.id}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: k.id, revokedAt: t.now.toISOString() });
    const again = await t.json('DELETE', `/v1/api-keys/${k.id}`);
    expect(again.status).toBe(200);
    expect(again.body.revokedAt).toBe(r.body.revokedAt);
  });
});

describe('auth — errors', () => {
  it('missing Authorization header → 401', async () => {
    const res = await t.app.request('/v1/programs');
    expectApiError({ status: res.status, body: await res.json() }, 401, 'unauthorized');
  });

  it.each([
    ['garbage token', 'Bearer not-a-key'],
    ['unknown rk_ key', 'Bearer rk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['wrong scheme', `Basic ${ADMIN_KEY}`],
    ['empty bearer', 'Bearer '],
    ['root key with extra text', `Bearer ${ADMIN_KEY}x`],
    ['root key hash instead of key', 'Bearer 0000000000000000000000000000000000000000000000000000000000000000'],
  ])('%s → 401', async (_name, header) => {
    const r = await t.json('GET', '/v1/programs', undefined, { authorization: header });
    expectApiError(r, 401, 'unauthorized');
  });

  it('a revoked key → 401', async () => {
    const k = await mintKey(['*']);
    expect((await t.json('GET', '/v1/programs', undefined, as(k.key))).status).toBe(200);
    expect((await t.json('DELETE', `/v1/api-keys/${k.id}`)).status).toBe(200);
    expectApiError(await t.json('GET', '/v1/programs', undefined, as(k.key)), 401, 'unauthorized');
    expectApiError(await t.json('POST', '/v1/programs', programInput, as(k.key)), 401, 'unauthorized');
    expect(await countRows(t, 'programs')).toBe(0);
  });

  it('revoking an unknown key → 404', async () => {
    expectApiError(await t.json('DELETE', '/v1/api-keys/key_doesnotexist000000'), 404, 'not_found');
  });

  it('invalid key requests → 422 naming the field, nothing stored', async () => {
    expectApiError(await t.json('POST', '/v1/api-keys', { name: 'x', scopes: ['root'] }), 422, 'validation_failed', 'scopes.0');
    expectApiError(await t.json('POST', '/v1/api-keys', { name: 'x', scopes: [] }), 422, 'validation_failed', 'scopes');
    expectApiError(await t.json('POST', '/v1/api-keys', { name: '', scopes: ['*'] }), 422, 'validation_failed', 'name');
    expect(await countRows(t, 'api_keys')).toBe(0);
  });
});

describe('auth — security', () => {
  it('a key lacking the scope → 403, and nothing is written', async () => {
    const reader = await mintKey(['programs:read']);
    expectApiError(await t.json('POST', '/v1/programs', programInput, as(reader.key)), 403, 'forbidden');
    expect(await countRows(t, 'programs')).toBe(0);

    // programs:write implies programs:read, so only a ledger-only key is refused the read.
    const ledger = await mintKey(['ledger:write']);
    expectApiError(await t.json('GET', '/v1/programs', undefined, as(ledger.key)), 403, 'forbidden');
  });

  it('only a * key may mint, list or revoke keys (no privilege escalation)', async () => {
    const writer = await mintKey(['programs:write', 'programs:read', 'ledger:write']);
    expectApiError(await t.json('POST', '/v1/api-keys', { name: 'esc', scopes: ['*'] }, as(writer.key)), 403, 'forbidden');
    expectApiError(await t.json('GET', '/v1/api-keys', undefined, as(writer.key)), 403, 'forbidden');
    expectApiError(await t.json('DELETE', `/v1/api-keys/${writer.id}`, undefined, as(writer.key)), 403, 'forbidden');
    expect(await countRows(t, 'api_keys')).toBe(1);
  });

  it('every admin route refuses an anonymous request', async () => {
    const routes: Array<[string, string]> = [
      ['GET', '/v1/programs'],
      ['POST', '/v1/programs'],
      ['GET', '/v1/programs/prg_x'],
      ['PATCH', '/v1/programs/prg_x'],
      ['GET', '/v1/programs/prg_x/partners'],
      ['POST', '/v1/programs/prg_x/partners'],
      ['GET', '/v1/partners/ptn_x'],
      ['PATCH', '/v1/partners/ptn_x'],
      ['GET', '/v1/partners/ptn_x/links'],
      ['POST', '/v1/partners/ptn_x/links'],
      ['GET', '/v1/links/lnk_x'],
      ['PATCH', '/v1/links/lnk_x'],
      ['GET', '/v1/links/lnk_x/stats'],
      ['GET', '/v1/api-keys'],
      ['POST', '/v1/api-keys'],
      ['DELETE', '/v1/api-keys/key_x'],
    ];
    for (const [method, path] of routes) {
      const res = await t.app.request(path, { method, headers: { 'content-type': 'application/json' }, body: method === 'GET' || method === 'DELETE' ? undefined : '{}' });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
  });

  it('without ADMIN_API_KEY, the last active * key cannot be revoked (409 last_admin_key); with another one it can', async () => {
    const bare = await makeApp({ env: { ADMIN_API_KEY: '' } });
    // What npm start does on first run: one stored * key and no root key.
    const { mintApiKey } = await import('../../src/api-keys/routes');
    const { row, secret } = await mintApiKey(bare.db, 'root (generated on first run)', ['*'], bare.now);
    const root = { authorization: `Bearer ${secret}` };
    const reader = await bare.json('POST', '/v1/api-keys', { name: 'reader', scopes: ['programs:read'] }, root);
    const self = await bare.json('DELETE', `/v1/api-keys/${row.id}`, undefined, root);
    expectApiError(self, 409, 'conflict');
    expect(self.body.error.reason).toBe('last_admin_key');
    expect((await bare.json('GET', '/v1/api-keys', undefined, root)).status).toBe(200);
    // A non-admin key may still be revoked, and so may the * key once another one exists.
    expect((await bare.json('DELETE', `/v1/api-keys/${reader.body.id}`, undefined, root)).status).toBe(200);
    const second = await bare.json('POST', '/v1/api-keys', { name: 'second admin', scopes: ['*'] }, root);
    const revoked = await bare.json('DELETE', `/v1/api-keys/${row.id}`, undefined, { authorization: `Bearer ${second.body.key}` });
    expect([revoked.status, revoked.body.revokedAt]).toEqual([200, bare.now.toISOString()]);
    expectApiError(await bare.json('DELETE', `/v1/api-keys/${second.body.id}`, undefined, { authorization: `Bearer ${second.body.key}` }), 409, 'conflict');
    // Two * keys revoking each other at once: one succeeds, never both.
    const third = await bare.json('POST', '/v1/api-keys', { name: 'third admin', scopes: ['*'] }, { authorization: `Bearer ${second.body.key}` });
    const [x, y] = await Promise.all([
      bare.json('DELETE', `/v1/api-keys/${second.body.id}`, undefined, { authorization: `Bearer ${third.body.key}` }),
      bare.json('DELETE', `/v1/api-keys/${third.body.id}`, undefined, { authorization: `Bearer ${second.body.key}` }),
    ]);
    expect([x.status, y.status].sort()).toEqual([200, 409]);
    const active = (await rawRows(bare, 'api_keys')).filter((k) => k.revoked_at === null && String(k.scopes).includes('"*"'));
    expect(active).toHaveLength(1);
  });

  it('with ADMIN_API_KEY configured, the last stored * key may be revoked (the root key remains)', async () => {
    const k = await mintKey(['*']);
    expect((await t.json('DELETE', `/v1/api-keys/${k.id}`)).status).toBe(200);
  });

  it('without ADMIN_API_KEY configured, no token is accepted as root', async () => {
    const bare = await makeApp({ env: { ADMIN_API_KEY: '' } });
    for (const token of ['', 'undefined', 'null', ADMIN_KEY]) {
      const r = await bare.json('GET', '/v1/programs', undefined, { authorization: `Bearer ${token}` });
      expect(r.status, token).toBe(401);
    }
  });
});
