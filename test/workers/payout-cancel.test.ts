import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { json } from './helpers';
import { addReward, balance, leadByCode, program, refund, sale } from './tracking';

const rows = async (sql: string) => (await env.DB.prepare(sql).all<Record<string, unknown>>()).results;

async function build(programId: string, body: Record<string, unknown> = {}) {
  const r = await json('POST', `/v1/programs/${programId}/payouts`, body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { data: any[]; skipped: any[] };
}

describe('payout cancel on workerd with D1', () => {
  it('releases the entries in one batch, replays, refuses paid/canceled crossings, races mark-paid to one winner; build options and ?status=', async () => {
    const { program: p, partner: jane } = await program({ holdDays: 0 });
    const max = (await json('POST', `/v1/programs/${p.id}/partners`, { name: 'Max', email: 'max@partner.test' })).body;
    await addReward(p.id, { event: 'sale', type: 'percent', amount: 2000 });
    await addReward(p.id, { event: 'sale', type: 'fixed', amount: 50, unit: 'points' });
    await leadByCode(jane.code, 'cus_j');
    await leadByCode(max.code, 'cus_m');
    await sale(p.id, 'cus_j', 'ord_1', 10000);
    await sale(p.id, 'cus_j', 'ord_2', 5000);
    await sale(p.id, 'cus_m', 'ord_3', 10000);
    expect((await json('POST', '/v1/jobs/approve-commissions')).status).toBe(200);

    // Build options: unknown unit 422 (nothing written), then Jane alone with per-unit minimums.
    const bad = await json('POST', `/v1/programs/${p.id}/payouts`, { minAmount: { EUR: 1 } });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ code: 'validation_failed', field: 'minAmount.EUR', reason: 'unknown_unit' });
    expect(await rows('select count(*) as n from payouts')).toEqual([{ n: 0 }]);
    const janes = await build(p.id, { partnerId: jane.id, minAmount: { USD: 1000, points: 200 } });
    expect(janes.data.map((x) => [x.unit, x.amount, x.entryCount])).toEqual([['USD', 3000, 2]]);
    expect(janes.skipped.map((s) => [s.unit, s.amount, s.reason])).toEqual([['points', 100, 'below_minimum']]);
    const [pj] = janes.data;

    // A partial refund of ord_1 while the payout is pending: an adjustment of -600.
    const rf1 = await refund(p.id, 'ord_1', 'rf_1', 3000);
    const usdOf = (r: { body: any }) => (r.body.commissions as any[]).filter((x) => x.unit === 'USD');
    expect(usdOf(rf1)).toMatchObject([{ kind: 'adjustment', amount: -600 }]);

    // Cancel: released whole; the replay is the same 200.
    const c = await json('POST', `/v1/payouts/${pj.id}/cancel`, { reason: 'wrong account' });
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    expect(c.body).toMatchObject({ id: pj.id, status: 'canceled', amount: 3000, entryCount: 2, cancelReason: 'wrong account', canceledAt: expect.any(String), paidAt: null });
    expect(await rows(`select count(*) as n from commissions where payout_id = '${pj.id}'`)).toEqual([{ n: 0 }]);
    expect((await json('POST', `/v1/payouts/${pj.id}/cancel`)).body).toEqual(c.body);
    const mark = await json('POST', `/v1/payouts/${pj.id}/mark-paid`, { reference: 'R' });
    expect([mark.status, mark.body.error.reason]).toEqual([409, 'payout_canceled']);
    expect(await balance(jane.id)).toEqual({ pending: 0, approved: 2400, paid: 0 });
    // The rest of ord_1 refunded after the cancel: an adjustment again (c1 taken back once).
    const rf2 = await refund(p.id, 'ord_1', 'rf_2');
    expect(usdOf(rf2)).toMatchObject([{ kind: 'adjustment', amount: -1400 }]);
    expect(await balance(jane.id)).toEqual({ pending: 0, approved: 1000, paid: 0 });

    // Everyone: Jane's released USD (1000 net, 4 entries) and ord_2's points (ord_1's, never in a
    // payout, were reversed by the refunds), Max's.
    const all = await build(p.id);
    expect(all.data.map((x) => [x.partnerId === jane.id ? 'jane' : 'max', x.unit, x.amount, x.entryCount]).sort()).toEqual(
      [['jane', 'USD', 1000, 4], ['jane', 'points', 50, 1], ['max', 'USD', 2000, 1], ['max', 'points', 50, 1]].sort(),
    );
    const jUsd = all.data.find((x) => x.partnerId === jane.id && x.unit === 'USD');
    const mUsd = all.data.find((x) => x.partnerId === max.id && x.unit === 'USD');
    const paid = await json('POST', `/v1/payouts/${mUsd.id}/mark-paid`, { reference: 'SEPA-M' });
    expect(paid.status).toBe(200);
    const late = await json('POST', `/v1/payouts/${mUsd.id}/cancel`, {});
    expect([late.status, late.body.error.reason]).toEqual([409, 'payout_paid']);

    // Cancel and mark-paid sent together: exactly one wins, and the entries agree with it.
    const [cc, mm] = await Promise.all([json('POST', `/v1/payouts/${jUsd.id}/cancel`, {}), json('POST', `/v1/payouts/${jUsd.id}/mark-paid`, { reference: 'SEPA-J' })]);
    expect([cc.status, mm.status].sort()).toEqual([200, 409]);
    const winner = cc.status === 200 ? 'canceled' : 'paid';
    const entries = await rows(`select status, payout_id from commissions where partner_id = '${jane.id}' and unit = 'USD'`);
    expect(entries).toHaveLength(4);
    if (winner === 'canceled') expect(entries.every((e) => e.status === 'approved' && e.payout_id === null)).toBe(true);
    else expect(entries.every((e) => e.status === 'paid' && e.payout_id === jUsd.id)).toBe(true);

    // ?status= filters; an unknown status is 422.
    const list = async (q: string) => ((await json('GET', `/v1/programs/${p.id}/payouts${q}`)).body.data as any[]).map((x) => x.id).sort();
    expect(await list('?status=paid')).toEqual([mUsd.id, ...(winner === 'paid' ? [jUsd.id] : [])].sort());
    expect(await list('?status=canceled')).toEqual([pj.id, ...(winner === 'canceled' ? [jUsd.id] : [])].sort());
    expect((await list('?status=pending')).length).toBe(2);
    expect((await json('GET', `/v1/programs/${p.id}/payouts?status=void`)).status).toBe(422);
  }, 60_000);
});
