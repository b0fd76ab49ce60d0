import type { InArgs } from '@libsql/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeApp, seedProgram, type TestApp } from '../helpers/app';
import { expectApiError } from '../foundation/support';
import { clientOf } from '../reliability/support';
import { listRewards } from '../../src/db/queries/rewards';

// GET /v1/programs/:programId/rewards pages like every list (?limit= 1–200, default 50, ?cursor=)
// but keeps the order it always had: oldest first, ties by id.

let t: TestApp;
let programId: string;
let otherProgramId: string;
/** The 7 rules of `programId` in the order the list must give them. */
let expected: string[];

beforeAll(async () => {
  t = await makeApp();
  programId = (await seedProgram(t)).program.id;
  otherProgramId = (await seedProgram(t, { name: 'Other' })).program.id;
  const made: Array<{ id: string; createdAt: string }> = [];
  // Three instants, several rules at each: the id breaks the ties.
  for (const [n, step] of [[3, 0], [2, 1000], [2, 1000]] as const) {
    t.advance(step);
    for (let i = 0; i < n; i++) {
      const r = await t.json('POST', `/v1/programs/${programId}/rewards`, { event: 'lead', type: 'fixed', amount: 100 + made.length, active: made.length % 2 === 0 });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      made.push(r.body);
    }
  }
  expect((await t.json('POST', `/v1/programs/${otherProgramId}/rewards`, { event: 'lead', type: 'fixed', amount: 1 })).status).toBe(201);
  expected = [...made].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || (a.id < b.id ? -1 : 1)).map((r) => r.id);
});

const list = (query = '') => t.json('GET', `/v1/programs/${programId}/rewards${query}`);

describe('GET /v1/programs/:programId/rewards — paging', () => {
  it('without ?limit= (default 50): all 7 rules, oldest first, nextCursor null', async () => {
    const r = await list();
    expect(r.status).toBe(200);
    expect(r.body.data.map((x: { id: string }) => x.id)).toEqual(expected);
    expect(r.body.data.map((x: { amount: number }) => x.amount).sort()).toEqual([100, 101, 102, 103, 104, 105, 106]);
    expect(r.body.nextCursor).toBeNull();
  });

  it('?limit=3: three pages (3, 3, 1) walk every rule exactly once, in order, and only this program\'s', async () => {
    const p1 = await list('?limit=3');
    expect(p1.body.data.map((x: { id: string }) => x.id)).toEqual(expected.slice(0, 3));
    expect(p1.body.nextCursor).toEqual(expect.any(String));
    const p2 = await list(`?limit=3&cursor=${encodeURIComponent(p1.body.nextCursor)}`);
    expect(p2.body.data.map((x: { id: string }) => x.id)).toEqual(expected.slice(3, 6));
    expect(p2.body.nextCursor).toEqual(expect.any(String));
    const p3 = await list(`?limit=3&cursor=${encodeURIComponent(p2.body.nextCursor)}`);
    expect(p3.body.data.map((x: { id: string }) => x.id)).toEqual(expected.slice(6));
    expect(p3.body.nextCursor).toBeNull();
    const seen = [...p1.body.data, ...p2.body.data, ...p3.body.data].map((x: { id: string; programId: string }) => [x.id, x.programId]);
    expect(seen).toEqual(expected.map((id) => [id, programId]));
  });

  it('?limit=7 is one full page with nextCursor null; ?limit=6 leaves a cursor to the last rule', async () => {
    const all = await list('?limit=7');
    expect(all.body.data).toHaveLength(7);
    expect(all.body.nextCursor).toBeNull();
    const six = await list('?limit=6');
    const rest = await list(`?limit=6&cursor=${encodeURIComponent(six.body.nextCursor)}`);
    expect(rest.body.data.map((x: { id: string }) => x.id)).toEqual([expected[6]]);
    expect(rest.body.nextCursor).toBeNull();
  });

  it.each([
    ['?limit=0', 'limit'],
    ['?limit=201', 'limit'],
    ['?limit=abc', 'limit'],
    ['?limit=2.5', 'limit'],
    ['?limit=-1', 'limit'],
    ['?cursor=not-a-cursor', 'cursor'],
    [`?cursor=${'a'.repeat(201)}`, 'cursor'],
  ])('%s → 422 validation_failed naming %s', async (query, field) => {
    expectApiError(await list(query), 422, 'validation_failed', field);
  });

  it('?limit=200 (the maximum) is accepted', async () => {
    const r = await list('?limit=200');
    expect(r.status).toBe(200);
    expect(r.body.data).toHaveLength(7);
  });

  it('an unknown program is still 404', async () => {
    expectApiError(await t.json('GET', '/v1/programs/prg_unknown/rewards?limit=3'), 404, 'not_found');
  });
});

describe('listRewards — query plan', () => {
  it('searches rewards_program_event_idx by program (no scan) and sorts that program\'s rules', async () => {
    const cursor = (await list('?limit=3')).body.nextCursor as string;
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
      expect(await listRewards(t.db, programId, 3)).toHaveLength(4);
      expect(await listRewards(t.db, programId, 3, cursor)).toHaveLength(4);
    } finally {
      Object.assign(client, { execute });
    }
    expect(seen).toHaveLength(2);
    for (const q of seen) {
      expect(q.sql).toContain('from "rewards"');
      const plan = (await client.execute({ sql: `EXPLAIN QUERY PLAN ${q.sql}`, args: q.args })).rows.map((r) => String(r.detail));
      expect(plan).toEqual(['SEARCH rewards USING INDEX rewards_program_event_idx (program_id=?)', 'USE TEMP B-TREE FOR ORDER BY']);
    }
  });
});
