import { describe, expect, it } from 'vitest';
import { rebuildRollups } from '../../src/reports/rebuild-rollups';
import { createPartner, createProgram, makePartnerApp, ok } from '../me/helpers';
import { rawClient } from '../foundation/support';

/**
 * Backdated facts before 1970 have negative times: the rebuild must file them on the same UTC day
 * as the write path (SQLite's integer division truncates toward zero, toward the next day).
 * Tracking refuses an occurredAt before 2000 now, so such facts are only in databases written
 * before that: they are made here by moving facts recorded on 2000-01-0x back by 30 years.
 */
describe('rebuilding rollups of very old data', () => {
  it('files a sale at 1969-12-31T23:59:59.500Z on 1969-12-31, as the write path did, at any window size', async () => {
    const h = await makePartnerApp();
    const p = await createProgram(h, { currency: 'EUR', holdDays: 0 });
    await createPartner(h, p.id, 'Jane', 'jane@partner.test', 'JANE');
    await ok(h.admin('POST', `/v1/programs/${p.id}/rewards`, { event: 'sale', type: 'fixed', amount: 100, startsAt: '2000-01-01T00:00:00.000Z' }), 201);
    await ok(h.admin('POST', '/v1/track/lead', { code: 'JANE', customer: { externalId: 'c1' }, occurredAt: '2000-01-01T00:00:00.000Z' }));
    await ok(h.admin('POST', '/v1/track/sale', { programId: p.id, customerExternalId: 'c1', externalId: 's1', amount: 1000, currency: 'EUR', occurredAt: '2000-01-02T23:59:59.500Z' }));
    await ok(h.admin('POST', '/v1/track/sale', { programId: p.id, customerExternalId: 'c1', externalId: 's2', amount: 2000, currency: 'EUR', occurredAt: '2000-01-03T00:00:00.000Z' }));
    // 2000-01-03T00:00:00.000Z becomes 1970-01-01T00:00:00.000Z; the lead 1969-12-30.
    const shift = Date.UTC(2000, 0, 3);
    await rawClient(h.t).execute({ sql: 'update events set occurred_at = occurred_at - ?', args: [shift] });
    await rawClient(h.t).execute({ sql: 'update customers set attributed_at = attributed_at - ?', args: [shift] });
    await rawClient(h.t).execute('delete from daily_rollups');
    await rawClient(h.t).execute('delete from daily_commission_rollups');
    const rows = async () => ({
      counts: (await rawClient(h.t).execute("select day, sales, revenue from daily_rollups where dim = 'all' and sales > 0 order by day")).rows.map((r) => ({ ...r })),
      commissions: (await rawClient(h.t).execute("select day, amount from daily_commission_rollups where dim = 'all' order by day")).rows.map((r) => ({ ...r })),
    });
    // What the write path filed when these dates were accepted (utcDay floors).
    const live = {
      counts: [{ day: '1969-12-31', sales: 1, revenue: 1000 }, { day: '1970-01-01', sales: 1, revenue: 2000 }],
      commissions: [{ day: '1969-12-31', amount: 100 }, { day: '1970-01-01', amount: 100 }],
    };
    for (const windowDays of [1, 7]) {
      await rebuildRollups(h.t.db, p.id, { windowDays });
      expect(await rows(), `windowDays ${windowDays}`).toEqual(live);
    }
  });
});

describe('rebuilding a program whose data spans decades', () => {
  it('takes one window per stretch of data, not one per week since the oldest fact, and gives the same rows', async () => {
    const h = await makePartnerApp();
    const p = await createProgram(h, { currency: 'EUR', holdDays: 0 });
    await createPartner(h, p.id, 'Jane', 'jane@partner.test', 'JANE');
    await ok(h.admin('POST', '/v1/track/lead', { code: 'JANE', customer: { externalId: 'c1' }, occurredAt: '2000-01-01T10:00:00.000Z' }));
    await ok(h.admin('POST', '/v1/track/sale', { programId: p.id, customerExternalId: 'c1', externalId: 's1', amount: 1000, currency: 'EUR' }));
    const snapshot = async () => (await rawClient(h.t).execute('select * from daily_rollups order by dim, day, partner_id, key')).rows.map((r) => ({ ...r }));
    const live = await snapshot();
    expect(live.filter((r) => r.dim === 'all').map((r) => [r.day, r.leads, r.sales])).toEqual([['2000-01-01', 1, 0], ['2026-03-01', 0, 1]]);
    const batch = h.t.db.batch.bind(h.t.db);
    let batches = 0;
    h.t.db.batch = ((...args: Parameters<typeof batch>) => (batches++, batch(...args))) as unknown as typeof h.t.db.batch;
    try {
      await rebuildRollups(h.t.db, p.id);
    } finally {
      h.t.db.batch = batch;
    }
    // Up to 2000-01-08, then up to 2026-03-08 (the empty 26 years folded in), then the open rest.
    expect(batches).toBe(3);
    expect(await snapshot()).toEqual(live);
  });
});
