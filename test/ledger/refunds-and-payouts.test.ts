import { describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app';
import { expectApiError } from '../foundation/support';
import { addPartner, addReward, balance, commissions, days, leadByCode, refund, sale, setup, sum } from '../conversions/support';

async function createPayouts(t: TestApp, programId: string, body: Record<string, unknown> = {}) {
  const r = await t.json('POST', `/v1/programs/${programId}/payouts`, body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.data as any[];
}

async function markPaid(t: TestApp, payoutId: string, reference: string) {
  return t.json('POST', `/v1/payouts/${payoutId}/mark-paid`, { reference });
}

/** A program paying 20% of each sale, one attributed customer; `holdDays` for the program. */
async function percentProgram(holdDays = 30) {
  const { t, program, partner } = await setup({ holdDays });
  await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 2000 });
  await leadByCode(t, partner.code, 'cus_1');
  return { t, program, partner };
}

describe('refunds', () => {
  it('a full refund of an unpaid sale reverses the commission; original and reversal leave every balance', async () => {
    const { t, program, partner } = await percentProgram();
    const s = await sale(t, program.id, 'cus_1', 10000, { externalId: 'ord_full' });
    const [original] = s.commissions;
    expect(original).toMatchObject({ amount: 2000, status: 'pending' });
    expect(await balance(t, partner.id)).toEqual({ pending: 2000, approved: 0, paid: 0 });

    const r = await refund(t, program.id, 'ord_full', 'rf_1');
    expect(r.status).toBe(200);
    expect(r.body.event).toMatchObject({ type: 'refund', amount: 10000, saleEventId: s.event.id, partnerId: partner.id });
    expect(r.body.commissions).toEqual([
      expect.objectContaining({ kind: 'reversal', reversesId: original.id, amount: -2000, status: 'reversed', partnerId: partner.id }),
    ]);
    const ledger = await commissions(t, program.id);
    expect(ledger.map((c) => [c.kind, c.amount, c.status]).sort()).toEqual([
      ['commission', 2000, 'reversed'],
      ['reversal', -2000, 'reversed'],
    ]);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 0, paid: 0 });

    // Nothing comes back to life later.
    t.setNow(days(60));
    expect((await t.json('POST', '/v1/jobs/approve-commissions')).body).toEqual({ approved: 0 });
    expect(await createPayouts(t, program.id)).toEqual([]);
    expectApiError(await refund(t, program.id, 'ord_full', 'rf_2', 1), 422, 'validation_failed');
  });

  it('30% then 70% of a 10001 sale: reversals sum to exactly -2000', async () => {
    const { t, program, partner } = await percentProgram();
    const s = await sale(t, program.id, 'cus_1', 10001, { externalId: 'ord_odd' });
    const [original] = s.commissions;
    expect(original.amount).toBe(2000);

    const r1 = await refund(t, program.id, 'ord_odd', 'rf_1', 3000);
    expect(r1.status).toBe(200);
    // floor(2000 × 3000 / 10001) = 599; the pending original stays pending, minus the reversal.
    expect(r1.body.commissions.map((c: any) => [c.kind, c.amount, c.status])).toEqual([['reversal', -599, 'pending']]);
    expect(await balance(t, partner.id)).toEqual({ pending: 1401, approved: 0, paid: 0 });

    const tooMuch = await refund(t, program.id, 'ord_odd', 'rf_x', 7002);
    expectApiError(tooMuch, 422, 'validation_failed', 'amount');
    expect(tooMuch.body.error.reason).toBe('refund_exceeds_sale');

    const r2 = await refund(t, program.id, 'ord_odd', 'rf_2', 7001);
    expect(r2.status).toBe(200);
    expect(r2.body.commissions.map((c: any) => [c.kind, c.amount, c.status])).toEqual([['reversal', -1401, 'reversed']]);

    const ledger = await commissions(t, program.id);
    expect(sum(ledger.filter((c) => c.kind === 'reversal'))).toBe(-2000);
    expect(ledger.every((c) => c.status === 'reversed')).toBe(true);
    expect(ledger).toHaveLength(3);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 0, paid: 0 });

    const over = await refund(t, program.id, 'ord_odd', 'rf_3', 1);
    expectApiError(over, 422, 'validation_failed');
    expect(over.body.error.reason).toBe('already_refunded');
    expect(await commissions(t, program.id)).toHaveLength(3);
  });

  it('thirds of a sale with two commissions each sum exactly to each commission', async () => {
    const { t, program, partner } = await percentProgram(0);
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 333 });
    const s = await sale(t, program.id, 'cus_1', 10001, { externalId: 'ord_3' });
    expect(s.commissions.map((c: any) => c.amount).sort()).toEqual([2000, 333].sort());
    for (const [i, amount] of [3333, 3333, 3335].entries()) {
      expect((await refund(t, program.id, 'ord_3', `rf_${i}`, amount)).status).toBe(200);
    }
    const ledger = await commissions(t, program.id);
    for (const original of s.commissions) {
      const taken = ledger.filter((c) => c.reversesId === original.id);
      expect(taken).toHaveLength(3);
      expect(sum(taken)).toBe(-original.amount);
    }
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 0, paid: 0 });
  });

  it('a sale of 0 (free order) that paid a fixed commission: one refund without amount reverses it in full', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000 });
    await leadByCode(t, partner.code, 'cus_1');
    const s = await sale(t, program.id, 'cus_1', 0, { externalId: 'ord_free' });
    const [original] = s.commissions;
    expect(original).toMatchObject({ amount: 1000, status: 'approved' });

    const some = await refund(t, program.id, 'ord_free', 'rf_0', 1);
    expectApiError(some, 422, 'validation_failed', 'amount');
    expect(some.body.error.reason).toBe('refund_exceeds_sale');

    const r = await refund(t, program.id, 'ord_free', 'rf_1');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.event).toMatchObject({ type: 'refund', amount: 0, saleEventId: s.event.id });
    expect(r.body.commissions.map((c: any) => [c.kind, c.reversesId, c.amount, c.status])).toEqual([['reversal', original.id, -1000, 'reversed']]);
    expect((await commissions(t, program.id)).map((c) => [c.kind, c.amount, c.status]).sort()).toEqual([
      ['commission', 1000, 'reversed'],
      ['reversal', -1000, 'reversed'],
    ]);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 0, paid: 0 });
    expect(await createPayouts(t, program.id)).toEqual([]);

    // Once only; a replay still answers the original result.
    const again = await refund(t, program.id, 'ord_free', 'rf_2');
    expectApiError(again, 422, 'validation_failed', 'saleExternalId');
    expect(again.body.error.reason).toBe('already_refunded');
    expect(await refund(t, program.id, 'ord_free', 'rf_1')).toMatchObject({ status: 200, body: r.body });
    expect(await commissions(t, program.id)).toHaveLength(2);
  });

  it('refund of an unknown sale is 404; a refund above the sale is 422', async () => {
    const { t, program } = await percentProgram();
    await sale(t, program.id, 'cus_1', 500, { externalId: 'ord_small' });
    expectApiError(await refund(t, program.id, 'ord_nope', 'rf_1'), 404, 'not_found');
    expectApiError(await refund(t, program.id, 'ord_small', 'rf_2', 501), 422, 'validation_failed', 'amount');
    expectApiError(await refund(t, program.id, 'ord_small', 'rf_3', 0), 422, 'validation_failed', 'amount');
  });

  it('after payout: a refund books a negative adjustment that the next payouts net', async () => {
    const { t, program, partner } = await percentProgram(0);
    await sale(t, program.id, 'cus_1', 10000, { externalId: 'ord_a' });
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 2000, paid: 0 });

    const [p1] = await createPayouts(t, program.id);
    expect(p1).toMatchObject({ partnerId: partner.id, unit: 'EUR', amount: 2000, entryCount: 1, status: 'pending' });
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 2000, paid: 0 });
    expect((await markPaid(t, p1.id, 'tr_1')).body).toMatchObject({ status: 'paid', reference: 'tr_1' });
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 0, paid: 2000 });

    t.advance(1000);
    await sale(t, program.id, 'cus_1', 5000, { externalId: 'ord_b' });
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 1000, paid: 2000 });

    t.advance(1000);
    const r = await refund(t, program.id, 'ord_a', 'rf_a');
    expect(r.status).toBe(200);
    expect(r.body.commissions.map((c: any) => [c.kind, c.amount, c.status])).toEqual([['adjustment', -2000, 'approved']]);
    // The paid original stays paid; money comes back through the next payouts.
    expect((await commissions(t, program.id, { status: 'paid' })).map((c) => c.amount)).toEqual([2000]);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: -1000, paid: 2000 });

    // 1000 − 2000 < 1: no payout, everything carries over.
    expect(await createPayouts(t, program.id)).toEqual([]);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: -1000, paid: 2000 });

    t.advance(1000);
    await sale(t, program.id, 'cus_1', 20000, { externalId: 'ord_c' });
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 3000, paid: 2000 });
    const [p2] = await createPayouts(t, program.id);
    expect(p2).toMatchObject({ amount: 3000, entryCount: 3, status: 'pending' });
    const detail = await t.json('GET', `/v1/payouts/${p2.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.entries.map((e: any) => [e.kind, e.amount]).sort()).toEqual(
      [['commission', 1000], ['adjustment', -2000], ['commission', 4000]].sort(),
    );
    expect(sum(detail.body.entries)).toBe(detail.body.amount);

    expect((await markPaid(t, p2.id, 'tr_2')).status).toBe(200);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 0, paid: 5000 });
  });

  it('a refund of a commission claimed by an unpaid payout is an adjustment too', async () => {
    const { t, program, partner } = await percentProgram(0);
    await sale(t, program.id, 'cus_1', 10000, { externalId: 'ord_a' });
    const [p] = await createPayouts(t, program.id);
    const r = await refund(t, program.id, 'ord_a', 'rf_a', 5000);
    expect(r.body.commissions.map((c: any) => [c.kind, c.amount, c.status, c.payoutId])).toEqual([['adjustment', -1000, 'approved', null]]);
    expect((await t.json('GET', `/v1/payouts/${p.id}`)).body).toMatchObject({ amount: 2000, entryCount: 1 });
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 1000, paid: 0 });
  });
});

describe('concurrency', () => {
  it('three concurrent 700 refunds of a 1000 sale: one succeeds, two are 422, never more than the commission', async () => {
    const { t, program, partner } = await percentProgram(0);
    await sale(t, program.id, 'cus_1', 1000, { externalId: 'ord_1' });
    const rs = await Promise.all([1, 2, 3].map((i) => refund(t, program.id, 'ord_1', `rf_${i}`, 700)));
    expect(rs.map((r) => r.status).sort()).toEqual([200, 422, 422]);
    expect(rs.filter((r) => r.status === 422).every((r) => r.body.error.reason === 'refund_exceeds_sale')).toBe(true);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 60, paid: 0 });
  });

  it('concurrent payout runs claim each commission once; concurrent mark-paid with two references: one wins', async () => {
    const { t, program, partner } = await percentProgram(0);
    for (let i = 0; i < 5; i++) await sale(t, program.id, 'cus_1', 1000);
    const runs = await Promise.all([1, 2, 3].map(() => createPayouts(t, program.id)));
    const created = runs.flat();
    expect(created.map((p) => [p.amount, p.entryCount])).toEqual([[1000, 5]]);
    const marks = await Promise.all(['A', 'B'].map((ref) => markPaid(t, created[0].id, ref)));
    expect(marks.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = marks.find((r) => r.status === 200)!;
    expect((await t.json('GET', `/v1/payouts/${created[0].id}`)).body.reference).toBe(winner.body.reference);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 0, paid: 1000 });
  });
});

describe('payouts', () => {
  it('minAmount skips small groups, which carry over; a commission is in at most one payout', async () => {
    const { t, program, partner: a } = await setup({ holdDays: 0 });
    const b = await addPartner(t, program.id, 'Bob', 'bob@partner.test');
    await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 1000 });
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 700, holdDays: 10 });
    for (const i of [1, 2, 3]) await leadByCode(t, a.code, `a_${i}`);
    await sale(t, program.id, 'a_1', 9900); // pending for 10 days: not payable yet
    await leadByCode(t, b.code, 'b_1');
    expect(await balance(t, a.id)).toEqual({ pending: 700, approved: 3000, paid: 0 });
    expect(await balance(t, b.id)).toEqual({ pending: 0, approved: 1000, paid: 0 });

    const first = await createPayouts(t, program.id, { minAmount: 1500 });
    expect(first.map((p) => [p.partnerId, p.amount, p.entryCount])).toEqual([[a.id, 3000, 3]]);
    expect(await createPayouts(t, program.id, { minAmount: 1500 })).toEqual([]);
    expect(await createPayouts(t, program.id, { minAmount: 1500 })).toEqual([]);

    await leadByCode(t, b.code, 'b_2');
    t.setNow(days(10));
    expect((await t.json('POST', '/v1/jobs/approve-commissions')).body).toEqual({ approved: 1 });
    const second = await createPayouts(t, program.id, { minAmount: 1500 });
    expect(second.map((p) => [p.partnerId, p.amount, p.entryCount])).toEqual([[b.id, 2000, 2]]);
    // a's 700 is below 1500 and waits; without a minimum it goes out.
    const third = await createPayouts(t, program.id);
    expect(third.map((p) => [p.partnerId, p.amount, p.entryCount])).toEqual([[a.id, 700, 1]]);
    expect(await createPayouts(t, program.id)).toEqual([]);

    const ledger = await commissions(t, program.id);
    expect(ledger).toHaveLength(6);
    const payoutIds = [...first, ...second, ...third].map((p) => p.id);
    expect(ledger.every((c) => payoutIds.includes(c.payoutId))).toBe(true);
    let entries = 0;
    for (const id of payoutIds) entries += (await t.json('GET', `/v1/payouts/${id}`)).body.entries.length;
    expect(entries).toBe(6);
  });

  it('mark-paid: same reference is idempotent, another reference is 409, unknown payout is 404', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 1200 });
    await leadByCode(t, partner.code, 'cus_1');
    const [p] = await createPayouts(t, program.id);
    t.advance(5000);
    const paid = await markPaid(t, p.id, 'SEPA-1');
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ id: p.id, status: 'paid', reference: 'SEPA-1', amount: 1200, paidAt: t.now.toISOString() });
    t.advance(5000);
    const again = await markPaid(t, p.id, 'SEPA-1');
    expect(again.status).toBe(200);
    expect(again.body).toEqual(paid.body);
    const other = await markPaid(t, p.id, 'SEPA-2');
    expectApiError(other, 409, 'conflict');
    expect(other.body.error.reason).toBe('already_paid');
    expectApiError(await markPaid(t, 'pay_nope', 'x'), 404, 'not_found');

    const detail = (await t.json('GET', `/v1/payouts/${p.id}`)).body;
    expect(detail).toMatchObject({ status: 'paid', reference: 'SEPA-1' });
    expect(detail.entries.map((e: any) => [e.amount, e.status, e.payoutId])).toEqual([[1200, 'paid', p.id]]);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 0, paid: 1200 });
  });
});

describe('refunds and rule limits', () => {
  it('a refund gives back no room: per-customer count, cap total and tier count still include the refunded sale', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 500, caps: { perCustomer: { count: 1 } } });
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 700, caps: { perPartner: { amount: 1000, period: 'lifetime' } } });
    await addReward(t, program.id, { event: 'sale', type: 'fixed', tiers: [{ upTo: 1, amount: 100 }, { amount: 300 }] });
    await leadByCode(t, partner.code, 'cus_1');
    const first = await sale(t, program.id, 'cus_1', 10000, { externalId: 'ord_a' });
    expect(first.commissions.map((c: any) => c.amount).sort((a: number, b: number) => a - b)).toEqual([100, 500, 700]);
    expect((await refund(t, program.id, 'ord_a', 'rf_a')).status).toBe(200);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 0, paid: 0 });

    const second = await sale(t, program.id, 'cus_1', 10000, { externalId: 'ord_b' });
    // perCustomer 1 is used up, the cap has 300 left, the tier count is at 1 → tier 2.
    expect(second.commissions.map((c: any) => c.amount).sort((a: number, b: number) => a - b)).toEqual([300, 300]);
    expect(second.skipped.map((s: any) => s.reason)).toEqual(['customer_limit_reached']);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 600, paid: 0 });
  });
});
