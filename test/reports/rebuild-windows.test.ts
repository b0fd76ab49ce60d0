import { describe, expect, it } from 'vitest';
import { rawClient } from '../foundation/support';
import type { TestApp } from '../helpers/app';
import { nextWindow, rebuildRollups } from '../../src/reports/rebuild-rollups';
import { CHROME_MAC } from '../foundation/support';
import { D1, D3, runScenario } from './scenario';
import { clickOn, post, reportOf } from './support';

const day = (s: string) => Date.parse(`${s}T00:00:00.000Z`);
const rows = async (t: TestApp) => ({
  counts: (await rawClient(t).execute('select * from daily_rollups order by program_id, dim, day, partner_id, key')).rows.map((r) => ({ ...r })),
  commissions: (await rawClient(t).execute('select * from daily_commission_rollups order by program_id, dim, day, partner_id, key, unit')).rows.map((r) => ({ ...r })),
});

describe('nextWindow', () => {
  it('runs from the last window\'s end to `days` days past the next raw fact\'s day, or is open without one', () => {
    expect(nextWindow(null, null, 7)).toEqual({ from: null, to: null });
    expect(nextWindow(null, day('2026-03-01') + 5, 2)).toEqual({ from: null, to: day('2026-03-03') });
    expect(nextWindow(day('2026-03-03'), day('2026-03-03'), 1)).toEqual({ from: day('2026-03-03'), to: day('2026-03-04') });
    // An empty stretch before the next fact is folded into its window.
    expect(nextWindow(day('1900-01-08'), day('2026-03-01') + 1_000, 7)).toEqual({ from: day('1900-01-08'), to: day('2026-03-08') });
    expect(nextWindow(day('2026-03-04'), null, 7)).toEqual({ from: day('2026-03-04'), to: null });
    // Before 1970 (negative times) the day still starts at its midnight.
    expect(nextWindow(null, day('1969-12-31') + 86_399_500, 1)).toEqual({ from: null, to: day('1970-01-01') });
  });
});

describe('rebuildRollups one window at a time', () => {
  it('restores wrong counts and removes rows no raw fact supports, inside and outside the span', async () => {
    const { t, program } = await runScenario();
    const before = await rows(t);
    const db = rawClient(t);
    await db.execute("update daily_rollups set clicks = clicks + 7 where dim = 'all'");
    await db.execute("update daily_commission_rollups set amount = 0 where dim = 'link'");
    for (const d of ['2026-01-15', '2026-03-02', '2026-04-30']) {
      await db.execute({ sql: "insert into daily_rollups (program_id, partner_id, day, dim, key, clicks, unique_clicks, bot_clicks, leads, sales, revenue) values (?, 'ptn_gone', ?, 'all', '', 5, 0, 0, 0, 0, 0)", args: [program.id, d] });
    }
    await db.execute("insert into daily_rollups (program_id, partner_id, day, dim, key, clicks, unique_clicks, bot_clicks, leads, sales, revenue) values ('prg_gone', 'ptn_gone', '2026-03-01', 'all', '', 1, 0, 0, 0, 0, 0)");
    // The counts are the named program's rows (prg_gone's row is another program's).
    expect(await rebuildRollups(t.db, program.id, { windowDays: 1 })).toEqual({ rollupRows: before.counts.length, commissionRollupRows: before.commissions.length });
    // Every program at once also clears a program that no longer exists.
    await rebuildRollups(t.db, undefined, { windowDays: 2 });
    expect(await rows(t)).toEqual(before);
  });

  it('counts a click and a backdated sale that commit between two windows exactly once', async () => {
    const { t, program } = await runScenario();
    const clicksOn = async (from: string, to: string) => (await reportOf(t, program.id, { from, to, groupBy: 'day' })).totals;
    const before = await clicksOn('2026-03-01', '2026-03-03');
    // After the second batch (all time up to 2026-03-02, then 2026-03-02) a visitor clicks on day 3,
    // not rebuilt yet, and a sale dated day 1, already rebuilt, is tracked.
    const batch = t.db.batch.bind(t.db);
    let batches = 0;
    t.db.batch = (async (...args: Parameters<typeof batch>) => {
      const out = await batch(...args);
      if (++batches === 2) {
        t.setNow(D3);
        await clickOn(t, 'b-fall', { ip: '198.51.100.77', ua: CHROME_MAC, country: 'NL' });
        await t.clickSink.flush();
        await post(t, '/v1/track/sale', { programId: program.id, customerExternalId: 'cB1', externalId: 'ord-late', amount: 1234, currency: 'EUR', occurredAt: new Date(D1.getTime() + 3_600_000).toISOString() });
      }
      return out;
    }) as unknown as typeof t.db.batch;
    try {
      await rebuildRollups(t.db, program.id, { windowDays: 1 });
    } finally {
      t.db.batch = batch;
    }
    // Up to the end of 2026-03-01 (the data's first day), then -02, -03, and the open window after.
    expect(batches).toBe(4);
    const after = await clicksOn('2026-03-01', '2026-03-03');
    expect(after.clicks).toBe(before.clicks + 1);
    expect(after.uniqueClicks).toBe(before.uniqueClicks + 1);
    expect(after.sales).toBe(before.sales + 1);
    expect(after.revenue).toBe(before.revenue + 1234);
    // And the rows are what one pass over the raw facts gives now.
    const live = await rows(t);
    await rebuildRollups(t.db, program.id, { windowDays: 365 });
    expect(await rows(t)).toEqual(live);
  });

  it('refuses a window that is not a positive whole number of days, and what is not a program id', async () => {
    const { t, program } = await runScenario();
    await expect(rebuildRollups(t.db, program.id, { windowDays: 0 })).rejects.toThrow('windowDays must be a positive integer');
    await expect(rebuildRollups(t.db, program.id, { windowDays: 1.5 })).rejects.toThrow('windowDays must be a positive integer');
    await expect(rebuildRollups(t.db, "prg_x'; delete from clicks; --")).rejects.toThrow('not a program id');
    expect(Number((await rawClient(t).execute('select count(*) as n from clicks')).rows[0]!.n)).toBe(7);
  });
});
