import type { InArgs } from '@libsql/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app';
import { expectApiError } from './support';
import { clientOf } from '../reliability/support';
import { listApiKeys } from '../../src/db/queries/api-keys';

// GET /v1/api-keys pages like every list (?limit= 1–200, default 50, ?cursor=) but keeps the order
// it always had: oldest first, ties by id. Revoked keys stay listed.

let t: TestApp;
/** The 7 keys in the order the list must give them. */
let expected: string[];

beforeAll(async () => {
  t = await makeApp();
  const made: Array<{ id: string; createdAt: string }> = [];
  for (const [n, step] of [[3, 0], [2, 1000], [2, 1000]] as const) {
    t.advance(step);
    for (let i = 0; i < n; i++) {
      const r = await t.json('POST', '/v1/api-keys', { name: `key ${made.length}`, scopes: ['programs:read'] });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      made.push(r.body);
    }
  }
  expect((await t.json('DELETE', `/v1/api-keys/${made[1]!.id}`)).status).toBe(200);
  expected = [...made].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || (a.id < b.id ? -1 : 1)).map((k) => k.id);
});

const list = (query = '') => t.json('GET', `/v1/api-keys${query}`);
const ids = (r: { body: { data: Array<{ id: string }> } }) => r.body.data.map((k) => k.id);

describe('GET /v1/api-keys — paging', () => {
  it('without ?limit= (default 50): all 7 keys, oldest first, no secrets, nextCursor null', async () => {
    const r = await list();
    expect(r.status).toBe(200);
    expect(ids(r)).toEqual(expected);
    expect(r.body.nextCursor).toBeNull();
    expect(Object.keys(r.body.data[0]).sort()).toEqual(['createdAt', 'id', 'name', 'prefix', 'revokedAt', 'scopes']);
    expect(r.body.data.filter((k: { revokedAt: string | null }) => k.revokedAt !== null)).toHaveLength(1);
  });

  it('?limit=3: three pages (3, 3, 1) walk every key exactly once, in order', async () => {
    const p1 = await list('?limit=3');
    expect(ids(p1)).toEqual(expected.slice(0, 3));
    const p2 = await list(`?limit=3&cursor=${encodeURIComponent(p1.body.nextCursor)}`);
    expect(ids(p2)).toEqual(expected.slice(3, 6));
    const p3 = await list(`?limit=3&cursor=${encodeURIComponent(p2.body.nextCursor)}`);
    expect(ids(p3)).toEqual(expected.slice(6));
    expect(p3.body.nextCursor).toBeNull();
    const seen = [...ids(p1), ...ids(p2), ...ids(p3)];
    expect(new Set(seen).size).toBe(7);
    expect(seen).toEqual(expected);
  });

  it('?limit=7 is one full page with nextCursor null', async () => {
    const r = await list('?limit=7');
    expect(ids(r)).toEqual(expected);
    expect(r.body.nextCursor).toBeNull();
  });

  it.each([
    ['?limit=0', 'limit'],
    ['?limit=201', 'limit'],
    ['?limit=abc', 'limit'],
    ['?limit=2.5', 'limit'],
    ['?cursor=not-a-cursor', 'cursor'],
  ])('%s → 422 validation_failed naming %s', async (query, field) => {
    expectApiError(await list(query), 422, 'validation_failed', field);
  });

  it('a bad limit from a key without * is still 403, not 422 (the scope is checked first)', async () => {
    t.advance(1000); // a later instant, so this key sorts after the 7
    const key = (await t.json('POST', '/v1/api-keys', { name: 'reader', scopes: ['programs:write'] })).body.key as string;
    expectApiError(await t.json('GET', '/v1/api-keys?limit=0', undefined, { authorization: `Bearer ${key}` }), 403, 'forbidden');
    // ?limit=200, the maximum, is accepted: the 7 keys and this one.
    expect(ids(await list('?limit=200'))).toEqual([...expected, expect.stringMatching(/^key_/)]);
  });
});

describe('listApiKeys — query plan', () => {
  it('reads the api_keys table (a handful of admin keys) and sorts it: no index of its own', async () => {
    const client = clientOf(t);
    const { execute } = client;
    const seen: Array<{ sql: string; args: InArgs }> = [];
    Object.assign(client, {
      execute: (stmt: { sql: string; args?: InArgs }, args?: InArgs) => {
        seen.push({ sql: stmt.sql, args: stmt.args ?? args ?? [] });
        return execute.call(client, stmt as never, args as never);
      },
    });
    try {
      await listApiKeys(t.db, 3);
    } finally {
      Object.assign(client, { execute });
    }
    expect(seen).toHaveLength(1);
    const plan = (await client.execute({ sql: `EXPLAIN QUERY PLAN ${seen[0]!.sql}`, args: seen[0]!.args })).rows.map((r) => String(r.detail));
    expect(plan).toEqual(['SCAN api_keys', 'USE TEMP B-TREE FOR ORDER BY']);
  });
});
