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
