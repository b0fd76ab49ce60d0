import { describe, expect, it } from 'vitest';
import { makeApp } from '../helpers/app';
import { bumpCounterStatement, insertEventStatement } from '../../src/db/queries/conversions';
import { rollupStatements } from '../../src/db/queries/rollups';
import { events, rewardCounters } from '../../src/db/schema';
import { compiledInsert, toRaw } from '../../src/db/statements';
import { saleEventRow } from '../helpers/event-row';
import { sql } from 'drizzle-orm';

// Hot writes skip drizzle's per-call query building: the SQL text is drizzle's (rendered once per
// shape), the parameters are mapped here. Every call must equal what drizzle would have built.
describe('compiled statements', () => {
  it('equal drizzle’s own SQL and parameters, on the first (checked) and on later (cached) calls', async () => {
    const { db } = await makeApp();
    for (const [i, version] of [null, 'v1', 'v2'].entries()) {
      const drizzled = db
        .insert(rewardCounters)
        .values({ key: `k${i}`, count: i, total: i * 100, version: `n${i}` })
        .onConflictDoUpdate({
          target: rewardCounters.key,
          set: {
            count: sql`case when ${rewardCounters.version} = ${version ?? ''} then ${rewardCounters.count} + excluded.count else null end`,
            total: sql`${rewardCounters.total} + excluded.total`,
            version: sql`excluded.version`,
          },
        })
        .toSQL();
      expect(toRaw(bumpCounterStatement(db, `k${i}`, version, i, i * 100, `n${i}`))).toEqual({ sql: drizzled.sql, args: drizzled.params });
    }
    for (const id of ['evt_1', 'evt_2']) {
      const row = saleEventRow(id);
      const drizzled = db.insert(events).values(row).toSQL();
      expect(toRaw(insertEventStatement(db, row))).toEqual({ sql: drizzled.sql, args: drizzled.params });
    }
    const delta = (n: number) => ({ programId: 'prg_1', partnerId: 'ptn_1', day: '2026-11-23', dim: 'all', key: '', clicks: n, uniqueClicks: n, botClicks: 0, leads: 0, sales: 1, revenue: 4900 });
    const [a] = rollupStatements(db, [delta(1), delta(2)]);
    expect(toRaw(a!).sql).toMatch(/^insert into "daily_rollups" .* on conflict .* do update set "clicks" = clicks \+ excluded\.clicks/);
    expect(toRaw(a!).args).toEqual(['prg_1', 'ptn_1', '2026-11-23', 'all', '', 1, 1, 0, 0, 1, 4900, 'prg_1', 'ptn_1', '2026-11-23', 'all', '', 2, 2, 0, 0, 1, 4900]);
  });

  it('refuse to run when the mapped parameters differ from drizzle’s', () => {
    expect(() => compiledInsert('test-mismatch', rewardCounters, [{ key: 'k', count: 1, total: 2, version: 'v' }], () => ({ toSQL: () => ({ sql: 'x', params: ['k', 1, 2] }) }))).toThrow(
      /parameters differ from drizzle/,
    );
  });
});
