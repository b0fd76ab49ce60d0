import { describe, expect, it } from 'vitest';
import { expectApiError } from '../foundation/support';
import { addReward, balance, commissions, days, leadByCode, refund, sale, setup } from '../conversions/support';

async function percentProgram(holdDays = 0) {
  const { t, program, partner } = await setup({ holdDays });
  await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 2000 });
  await leadByCode(t, partner.code, 'cus_1');
  return { t, program, partner };
}

describe('void a commission', () => {
  it('an unclaimed commission: a reversal, both leave the balance; a second void replays; report follows', async () => {
    const { t, program, partner } = await percentProgram(30);
    const s = await sale(t, program.id, 'cus_1', 10000, { externalId: 'ord_1' });
    const [original] = s.commissions;
    expect(await balance(t, partner.id)).toEqual({ pending: 2000, approved: 0, paid: 0 });
    const reportUrl = `/v1/programs/${program.id}/report?from=2026-03-01&to=2026-03-01&groupBy=partner`;
    expect((await t.json('GET', reportUrl)).body.totals.commissions).toEqual([{ unit: 'EUR', amount: 2000 }]);
    const r = await t.json('POST', `/v1/commissions/${original.id}/void`, { reason: 'fraud' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.commission).toMatchObject({ id: original.id, status: 'reversed', amount: 2000 });
    expect(r.body.entry).toMatchObject({ kind: 'reversal', reversesId: original.id, amount: -2000, status: 'reversed', eventId: s.event.id });
    expect(r.body.entry.explanation).toContain('fraud');
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 0, paid: 0 });
    const again = await t.json('POST', `/v1/commissions/${original.id}/void`, {});
    expect(again.status).toBe(200);
    expect(again.body.entry.id).toBe(r.body.entry.id);
    expect(await commissions(t, program.id)).toHaveLength(2);
    // The void is booked on the sale's day: the day's commissions net to nothing.
    expect((await t.json('GET', reportUrl)).body.totals.commissions).toEqual([]);
    // A later refund of the sale takes nothing more.
    const rf = await refund(t, program.id, 'ord_1', 'rf_1');
    expect(rf.status).toBe(200);
    expect(rf.body.commissions).toEqual([]);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 0, paid: 0 });
  });

  it('after a partial refund, void takes the rest exactly', async () => {
    const { t, program, partner } = await percentProgram(30);
    const s = await sale(t, program.id, 'cus_1', 10000, { externalId: 'ord_1' });
    await refund(t, program.id, 'ord_1', 'rf_1', 3000);
    expect(await balance(t, partner.id)).toEqual({ pending: 1400, approved: 0, paid: 0 });
    const r = await t.json('POST', `/v1/commissions/${s.commissions[0].id}/void`);
    expect(r.status).toBe(201);
    expect(r.body.entry.amount).toBe(-1400);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 0, paid: 0 });
  });

  it('a commission in a paid payout: an approved adjustment the next payout nets out', async () => {
    const { t, program, partner } = await percentProgram(0);
    const s1 = await sale(t, program.id, 'cus_1', 10000, { externalId: 'ord_1' });
    await t.json('POST', '/v1/jobs/approve-commissions');
    const [p1] = (await t.json('POST', `/v1/programs/${program.id}/payouts`, {})).body.data;
    expect(p1.amount).toBe(2000);
    await t.json('POST', `/v1/payouts/${p1.id}/mark-paid`, { reference: 'R1' });
    const r = await t.json('POST', `/v1/commissions/${s1.commissions[0].id}/void`, { reason: 'chargeback fraud' });
    expect(r.status).toBe(201);
    expect(r.body.entry).toMatchObject({ kind: 'adjustment', amount: -2000, status: 'approved', payoutId: null });
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: -2000, paid: 2000 });
    t.setNow(days(1));
    await sale(t, program.id, 'cus_1', 50000, { externalId: 'ord_2' });
    await t.json('POST', '/v1/jobs/approve-commissions');
    const [p2] = (await t.json('POST', `/v1/programs/${program.id}/payouts`, {})).body.data;
    expect(p2).toMatchObject({ amount: 8000, entryCount: 2 });
  });

  it('refuses a reversal or adjustment (409), an unknown id (404), bad bodies (422) without writing', async () => {
    const { t, program } = await percentProgram(30);
    await sale(t, program.id, 'cus_1', 10000, { externalId: 'ord_1' });
    const rf = await refund(t, program.id, 'ord_1', 'rf_1', 5000);
    const reversal = rf.body.commissions[0];
    const before = await commissions(t, program.id);
    expectApiError(await t.json('POST', `/v1/commissions/${reversal.id}/void`), 409, 'conflict');
    expectApiError(await t.json('POST', '/v1/commissions/com_nope/void'), 404, 'not_found');
    expectApiError(await t.json('POST', `/v1/commissions/${before[0].id}/void`, { reason: 5 }), 422, 'validation_failed', 'reason');
    expectApiError(await t.json('POST', `/v1/commissions/${before[0].id}/void`, { why: 'x' }), 422, 'validation_failed');
    expect(await commissions(t, program.id)).toEqual(before);
  });

  it('concurrent voids reverse once', async () => {
    const { t, program, partner } = await percentProgram(30);
    const s = await sale(t, program.id, 'cus_1', 10000, { externalId: 'ord_1' });
    const rs = await Promise.all(Array.from({ length: 8 }, () => t.json('POST', `/v1/commissions/${s.commissions[0].id}/void`)));
    expect(rs.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(await commissions(t, program.id)).toHaveLength(2);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 0, paid: 0 });
  });
});

describe('manual adjustments', () => {
  it('a bonus and a clawback show in the balance and the next payout', async () => {
    const { t, program, partner } = await percentProgram(0);
    const bonus = await t.json('POST', `/v1/partners/${partner.id}/adjustments`, { amount: 5000, reason: 'launch bonus' });
    expect(bonus.status, JSON.stringify(bonus.body)).toBe(201);
    expect(bonus.body).toMatchObject({ kind: 'adjustment', amount: 5000, unit: 'EUR', status: 'approved', partnerId: partner.id, explanation: 'manual bonus: launch bonus' });
    const claw = await t.json('POST', `/v1/partners/${partner.id}/adjustments`, { amount: -1200, reason: 'returned goods' });
    expect(claw.status).toBe(201);
    const pts = await t.json('POST', `/v1/partners/${partner.id}/adjustments`, { amount: 10, unit: 'points', reason: 'x', status: 'pending' });
    expect(pts.body).toMatchObject({ unit: 'points', status: 'pending' });
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 3800, paid: 0 });
    expect(await balance(t, partner.id, 'points')).toEqual({ pending: 10, approved: 0, paid: 0 });
    const [p] = (await t.json('POST', `/v1/programs/${program.id}/payouts`, {})).body.data;
    expect(p).toMatchObject({ amount: 3800, entryCount: 2, unit: 'EUR' });
    const st = await t.request('GET', `/v1/payouts/${p.id}?format=csv`);
    expect(await st.text()).toContain('manual bonus: launch bonus');
  });

  it('bad input is 4xx with no write', async () => {
    const { t, program, partner } = await percentProgram(0);
    for (const body of [{ amount: 0, reason: 'x' }, { amount: 1.5, reason: 'x' }, { amount: 1e13, reason: 'x' }, { amount: 5 }, { amount: 5, reason: ' ' }, { amount: 5, reason: 'x', unit: 'e ur' }, { amount: 5, reason: 'x', status: 'paid' }]) {
      expectApiError(await t.json('POST', `/v1/partners/${partner.id}/adjustments`, body), 422, 'validation_failed');
    }
    expectApiError(await t.json('POST', '/v1/partners/ptn_nope/adjustments', { amount: 5, reason: 'x' }), 404, 'not_found');
    expect(await commissions(t, program.id)).toEqual([]);
  });
});
