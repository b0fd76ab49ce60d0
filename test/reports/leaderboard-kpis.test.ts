import type { InStatement } from '@libsql/client';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app';
import { expectApiError, rawClient } from '../foundation/support';
import { rankPartners } from '../../src/reports/build-leaderboard';
import { openNodeDb } from '../../src/db/node-client';
import { rebuildRollups } from '../../src/reports/rebuild-rollups';
import { GROUP_BYS } from '../../src/reports/schemas';
import { B_NAME, runScenario } from './scenario';
import { appFor, getOk, post, reportOf } from './support';

let s: Awaited<ReturnType<typeof runScenario>>;
let t: TestApp;
beforeAll(async () => {
  s = await runScenario();
  t = s.t;
});
const RANGE = 'from=2026-03-01&to=2026-03-03';
const board = (qs: string) => getOk(t, `/v1/programs/${s.program.id}/leaderboard?${RANGE}&${qs}`);
const entry = (rank: number, p: { id: string }, partnerName: string, value: number) => ({ rank, partnerId: p.id, partnerName, value });

describe('leaderboard', () => {
  it('sales by default; revenue; commissions in the program currency only (points left out)', async () => {
    expect((await board('')).data).toEqual([entry(1, s.b, B_NAME, 2), entry(2, s.a, 'Jane Doe', 1)]);
    expect((await board('metric=revenue')).data).toEqual([entry(1, s.b, B_NAME, 7500), entry(2, s.a, 'Jane Doe', 7000)]);
    expect((await board('metric=commissions')).data).toEqual([entry(1, s.b, B_NAME, 950), entry(2, s.a, 'Jane Doe', 900)]);
  });

  it('a tie goes to who got there first: A had 2 leads on day 1, B only on day 2', async () => {
    expect((await board('metric=leads')).data).toEqual([entry(1, s.a, 'Jane Doe', 2), entry(2, s.b, B_NAME, 2)]);
    expect((await board('metric=leads&limit=1')).data).toEqual([entry(1, s.a, 'Jane Doe', 2)]);
  });

  it('only the range counts', async () => {
    expect((await getOk(t, `/v1/programs/${s.program.id}/leaderboard?from=2026-03-03&to=2026-03-03&metric=revenue`)).data).toEqual([
      entry(1, s.b, B_NAME, 2500),
      entry(2, s.a, 'Jane Doe', -3000),
    ]);
  });

  it.each([
    ['equal values, equal day: smaller partner id', [['p2', '2026-01-01', 5], ['p1', '2026-01-01', 5]], ['p1', 'p2']],
    ['equal values: earliest arrival wins over id', [['p1', '2026-01-02', 5], ['p2', '2026-01-01', 5]], ['p2', 'p1']],
    ['arrival is the first day the running sum equals the final value', [['p1', '2026-01-01', 5], ['p1', '2026-01-02', 3], ['p1', '2026-01-03', -3], ['p2', '2026-01-02', 5]], ['p1', 'p2']],
    ['a refund after the peak moves arrival to the refund day', [['p1', '2026-01-01', 8], ['p1', '2026-01-03', -3], ['p2', '2026-01-02', 5]], ['p2', 'p1']],
    ['higher value first; zero is not listed', [['p1', '2026-01-01', 1], ['p2', '2026-01-05', 9], ['p3', '2026-01-01', 0]], ['p2', 'p1']],
  ] as const)('rankPartners: %s', (_name, rows, order) => {
    const daily = rows.map(([partnerId, day, value]) => ({ partnerId, day, value }));
    expect(rankPartners(daily).map((r) => r.partnerId)).toEqual(order);
  });
});

describe('kpis', () => {
  it('over the three days (ledger: everything up to day 2 paid out, then a -3.00 adjustment and a 2.50 sale)', async () => {
    expect(await getOk(t, `/v1/programs/${s.program.id}/kpis?${RANGE}`)).toEqual({
      from: '2026-03-01', to: '2026-03-03', currency: 'EUR',
      activePartners: 2, referredCustomers: 4, conversionRate: 0.6, revenue: 14500,
      commissionsOwed: -50, commissionsPaid: 1900, payoutRatio: 0.1276,
    });
  });

  it('on day 2 only', async () => {
    expect(await getOk(t, `/v1/programs/${s.program.id}/kpis?from=2026-03-02&to=2026-03-02`)).toEqual({
      from: '2026-03-02', to: '2026-03-02', currency: 'EUR',
      activePartners: 2, referredCustomers: 1, conversionRate: 1, revenue: 15000, // A only sold (no click, no lead) that day
      commissionsOwed: 0, commissionsPaid: 1600, payoutRatio: 0.1067,
    });
  });
});

const count = async (table: string) => Number((await rawClient(t).execute(`select count(*) as n from ${table}`)).rows[0]!.n);

describe('rebuildRollups', () => {
  it('a recount from raw rows gives the same rollups, so the same reports', async () => {
    const all = (groupBy: string) => reportOf(t, s.program.id, { from: '2026-03-01', to: '2026-03-03', groupBy });
    const before = await Promise.all(GROUP_BYS.map(all));
    const rows = { rollupRows: await count('daily_rollups'), commissionRollupRows: await count('daily_commission_rollups') };
    expect(await rebuildRollups(t.db, s.program.id)).toEqual(rows);
    expect(await Promise.all(GROUP_BYS.map(all))).toEqual(before);
    expect(await rebuildRollups(t.db)).toEqual(rows);
    expect(await Promise.all(GROUP_BYS.map(all))).toEqual(before);
  });

  it('reads the clicks once, not once per dimension (query plan)', async () => {
    const client = rawClient(t);
    const { batch } = client;
    const sent: string[] = [];
    Object.assign(client, {
      batch: (stmts: InStatement[], mode?: unknown) => {
        for (const st of stmts) sent.push(typeof st === 'string' ? st : st.sql);
        return batch.call(client, stmts, mode as never);
      },
    });
    try {
      await rebuildRollups(t.db, s.program.id);
    } finally {
      Object.assign(client, { batch });
    }
    // Planned on an empty database: EXPLAIN of a write through libSQL leaves the statement open.
    const planner = await openNodeDb(':memory:');
    try {
      const plan: string[] = [];
      for (const q of sent.filter((q) => /^\s*(with|insert)\b/i.test(q))) {
        plan.push(...(await planner.$client.execute(`EXPLAIN QUERY PLAN ${q}`)).rows.map((r) => String(r.detail)));
      }
      // Besides looking up each event's click by id, one pass over the program's clicks per window:
      // all time up to 7 days from its first day (its three days), then the days after.
      const passes = plan.filter((l) => /^(SCAN|SEARCH) c\b/.test(l) && !/\(id=\?\) LEFT-JOIN$/.test(l));
      expect(passes).toEqual([
        'SEARCH c USING INDEX clicks_program_created_idx (program_id=? AND created_at<?)',
        'SEARCH c USING INDEX clicks_program_created_idx (program_id=? AND created_at>?)',
      ]);
    } finally {
      planner.$client.close();
    }
  });
});

describe('bad requests', () => {
  const path = (p: string) => `/v1/programs/${s.program.id}/${p}`;
  it.each([
    ['report?from=2026-02-30', 'from'],
    ['report?from=03/01/2026', 'from'],
    ['report?to=2026-13-01', 'to'],
    ['report?from=2026-03-03&to=2026-03-01', 'to'],
    ['report?from=2016-01-01&to=2026-01-08', 'to'],
    ['report?groupBy=hour', 'groupBy'],
    ['report?format=xml', 'format'],
    ['report?groupBy=country&campaign=spring', 'campaign'],
    ['report?groupBy=link&campaign=spring', 'campaign'],
    ['leaderboard?metric=clicks', 'metric'],
    ['leaderboard?limit=0', 'limit'],
    ['leaderboard?limit=101', 'limit'],
    ['leaderboard?limit=ten', 'limit'],
    ['kpis?from=yesterday', 'from'],
  ])('%s → 422 naming %s', async (p, field) => {
    expectApiError(await appFor(t).json(path(p)), 422, 'validation_failed', field);
  });

  it('the longest range (3660 days) is fine', async () => {
    expect((await appFor(t).json(path('kpis?from=2016-02-25&to=2026-03-03'))).status).toBe(200);
    expectApiError(await appFor(t).json(path('kpis?from=2016-02-24&to=2026-03-03')), 422, 'validation_failed', 'to');
  });

  it('unknown program or a partner of another program → 404', async () => {
    for (const p of ['report', 'leaderboard', 'kpis']) expectApiError(await appFor(t).json(`/v1/programs/prg_nope/${p}`), 404, 'not_found');
    const other = await post(t, '/v1/programs', { name: 'Other', currency: 'USD', defaultUrl: 'https://o.test/', allowedHosts: ['o.test'] }, 201);
    const stranger = await post(t, `/v1/programs/${other.id}/partners`, { name: 'X', email: 'x@o.test' }, 201);
    expectApiError(await appFor(t).json(path(`report?partnerId=${stranger.id}`)), 404, 'not_found');
    expect((await reportOf(t, other.id, { from: '2026-03-01', to: '2026-03-03' })).rows).toEqual([]);
  });

  it('needs a key with ledger:read', async () => {
    const res = await t.app.request(path('report'));
    expect(res.status).toBe(401);
    const key = await post(t, '/v1/api-keys', { name: 'writer', scopes: ['conversions:write'] }, 201);
    const denied = await t.json('GET', path('kpis'), undefined, { authorization: `Bearer ${key.key}` });
    expectApiError(denied, 403, 'forbidden');
    const reader = await post(t, '/v1/api-keys', { name: 'reader', scopes: ['ledger:read'] }, 201);
    expect((await t.json('GET', path('leaderboard'), undefined, { authorization: `Bearer ${reader.key}` })).status).toBe(200);
  });
});
