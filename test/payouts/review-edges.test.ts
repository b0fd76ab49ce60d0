import { describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app';
import { addReward, leadByCode, sale, setup } from '../conversions/support';

const build = (t: TestApp, programId: string, body: unknown) => t.json('POST', `/v1/programs/${programId}/payouts`, body);
const shape = (r: { body: any }) => ({
  data: (r.body.data as any[]).map((p) => [p.unit, p.amount, p.entryCount]).sort(),
  skipped: (r.body.skipped as any[]).map((s) => [s.unit, s.amount, s.reason]).sort(),
});

describe('payout builds: per-unit minimums', () => {
  it('a unit named like an Object.prototype member (constructor, toString, valueOf) needs 1 when not named', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 2000 });
    await leadByCode(t, partner.code, 'cus_1');
    await sale(t, program.id, 'cus_1', 10000);
    for (const unit of ['constructor', 'toString', 'valueOf']) {
      expect((await t.json('POST', `/v1/partners/${partner.id}/adjustments`, { amount: 40, unit, reason: 'x' })).status).toBe(201);
    }
    const r = await build(t, program.id, { minAmount: { EUR: 1000 } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(shape(r)).toEqual({ data: [['EUR', 2000, 1], ['constructor', 40, 1], ['toString', 40, 1], ['valueOf', 40, 1]].sort(), skipped: [] });
  });

  it('a named one of those units is its minimum', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    await t.json('POST', `/v1/partners/${partner.id}/adjustments`, { amount: 40, unit: 'constructor', reason: 'x' });
    const r = await build(t, program.id, { minAmount: { constructor: 50 } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(shape(r)).toEqual({ data: [], skipped: [['constructor', 40, 'below_minimum']] });
    expect(shape(await build(t, program.id, { minAmount: { constructor: 40 } }))).toEqual({ data: [['constructor', 40, 1]], skipped: [] });
  });
});

describe('sale → build → refund → cancel → void → rebuild → mark paid', () => {
  it('takes the commission back exactly once; the next payout pays only what is left, once', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 2000 });
    await leadByCode(t, partner.code, 'cus_1');
    const s = await sale(t, program.id, 'cus_1', 10000, { externalId: 'ord_1' });
    const original = s.commissions[0];
    const [p1] = (await build(t, program.id, {})).body.data;
    expect(p1).toMatchObject({ amount: 2000, entryCount: 1, status: 'pending' });
    const r = await t.json('POST', '/v1/track/refund', { programId: program.id, saleExternalId: 'ord_1', externalId: 'rf_1', amount: 4000 });
    expect(r.body.commissions.map((c: any) => [c.kind, c.amount, c.status])).toEqual([['adjustment', -800, 'approved']]);
    expect((await t.json('POST', `/v1/payouts/${p1.id}/cancel`, { reason: 'wrong IBAN' })).body.status).toBe('canceled');
    const v = await t.json('POST', `/v1/commissions/${original.id}/void`, { reason: 'fraud' });
    expect(v.status).toBe(201);
    expect(v.body.entry).toMatchObject({ kind: 'adjustment', amount: -1200, status: 'approved', payoutId: null });
    expect(v.body.commission).toMatchObject({ status: 'approved', payoutId: null });
    // Nothing left to pay: the three entries net to 0.
    expect(shape(await build(t, program.id, {}))).toEqual({ data: [], skipped: [['EUR', 0, 'below_minimum']] });
    const bal = async () => (await t.json('GET', `/v1/partners/${partner.id}/balance`)).body.balances;
    expect(await bal()).toMatchObject([{ unit: 'EUR', pending: 0, approved: 0, paid: 0 }]);
    await sale(t, program.id, 'cus_1', 5000, { externalId: 'ord_2' });
    const [p2] = (await build(t, program.id, {})).body.data;
    expect(p2).toMatchObject({ amount: 1000, entryCount: 4 });
    expect((await t.json('POST', `/v1/payouts/${p2.id}/mark-paid`, { reference: 'SEPA-2' })).status).toBe(200);
    expect(await bal()).toMatchObject([{ unit: 'EUR', pending: 0, approved: 0, paid: 1000 }]);
    // A second void or a refund of the rest takes nothing more.
    expect((await t.json('POST', `/v1/commissions/${original.id}/void`)).status).toBe(200);
    expect((await t.json('POST', '/v1/track/refund', { programId: program.id, saleExternalId: 'ord_1', externalId: 'rf_2' })).body.commissions).toEqual([]);
    expect(await bal()).toMatchObject([{ unit: 'EUR', pending: 0, approved: 0, paid: 1000 }]);
    expect(shape(await build(t, program.id, {}))).toEqual({ data: [], skipped: [] });
  });
});
