import { describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app';
import { runScheduledJobs } from '../../src/jobs/run-scheduled-jobs';
import { addPartner, addReward, balance, DAY, leadByCode, setup } from '../conversions/support';

/** The SQL text of every statement the app sends to libSQL while `fn` runs (execute and batch). */
async function statementsOf<T>(t: TestApp, fn: () => Promise<T>): Promise<{ result: T; sql: string[] }> {
  const client = t.db.$client as unknown as Record<'execute' | 'batch', (...a: any[]) => Promise<unknown>>;
  const { execute, batch } = client;
  const sql: string[] = [];
  const text = (s: any) => (typeof s === 'string' ? s : s.sql);
  client.execute = (s, ...a) => (sql.push(text(s)), execute.call(client, s, ...a));
  client.batch = (ss: any[], ...a) => (sql.push(...ss.map(text)), batch.call(client, ss, ...a));
  try {
    return { result: await fn(), sql };
  } finally {
    Object.assign(client, { execute, batch });
  }
}

describe('the approval job counts what it approved; it never reads the approved ids back', () => {
  it('a backlog of 300 held entries: {"approved":300}, one UPDATE without RETURNING; a second run approves 0', async () => {
    const { t, program, partner: jane } = await setup({ holdDays: 30 });
    const bob = await addPartner(t, program.id, 'Bob', 'bob@partner.test');
    await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 250 });
    for (let i = 0; i < 200; i++) await leadByCode(t, jane.code, `j_${i}`);
    for (let i = 0; i < 100; i++) await leadByCode(t, bob.code, `b_${i}`);
    t.advance(29 * DAY);
    expect((await t.json('POST', '/v1/jobs/approve-commissions')).body).toEqual({ approved: 0 });
    t.advance(2 * DAY);

    const { result, sql } = await statementsOf(t, () => t.json('POST', '/v1/jobs/approve-commissions'));
    expect(result).toMatchObject({ status: 200, body: { approved: 300 } });
    const updates = sql.filter((s) => /^\s*update\s+"commissions"/i.test(s));
    expect(updates).toHaveLength(1);
    expect(updates[0]).not.toMatch(/returning/i);
    expect(await balance(t, jane.id)).toEqual({ pending: 0, approved: 50000, paid: 0 });
    expect(await balance(t, bob.id)).toEqual({ pending: 0, approved: 25000, paid: 0 });
    expect((await t.json('POST', '/v1/jobs/approve-commissions')).body).toEqual({ approved: 0 });
  }, 60_000);

  it('runScheduledJobs (the cron and the Node timer) returns the counts only', async () => {
    const { t, program, partner } = await setup({ holdDays: 1 });
    await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 700 });
    for (const c of ['c_1', 'c_2', 'c_3']) await leadByCode(t, partner.code, c);
    t.advance(2 * DAY);
    const { result, sql } = await statementsOf(t, () => runScheduledJobs(t.db, t.now));
    expect(result).toEqual({ approved: 3, expiredIdempotencyKeys: 0, expiredTokenRevocations: 0 });
    // (The expired-key delete reads back at most 500 keys a chunk; the approval reads back nothing.)
    expect(sql.filter((s) => /^\s*update\s+"commissions"/i.test(s) && /returning/i.test(s))).toEqual([]);
    expect(await runScheduledJobs(t.db, t.now)).toEqual({ approved: 0, expiredIdempotencyKeys: 0, expiredTokenRevocations: 0 });
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 2100, paid: 0 });
  });
});
