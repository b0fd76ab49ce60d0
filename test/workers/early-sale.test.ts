import { describe, expect, it } from 'vitest';
import { json } from './helpers';
import { addReward, clickThrough, commissions, program, refund, sale } from './tracking';

async function lead(body: Record<string, unknown>) {
  const r = await json('POST', '/v1/track/lead', body);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

// A sale that beat its customer's sign-up call, on workerd with D1 (batches, no transactions).
describe('early sale on workerd with D1', () => {
  it('sale and refund before the lead: the lead credits the sale and books the refund’s reversal; 5 concurrent leads credit once', async () => {
    const { program: p, partner } = await program({ holdDays: 0 });
    await addReward(p.id, { event: 'sale', type: 'percent', amount: 1000 });
    const clickId = await clickThrough(partner.code);
    const early = await sale(p.id, 'late1', 'ord_early', 20000);
    expect(early.event).toMatchObject({ status: 'unattributed', reason: 'unknown_customer' });
    await sale(p.id, 'late1', 'ord_refunded', 6000);
    expect((await refund(p.id, 'ord_refunded', 're_1', 3000)).status).toBe(200);

    const leads = await Promise.all(Array.from({ length: 5 }, () => json('POST', '/v1/track/lead', { clickId, customer: { externalId: 'late1' } })));
    expect(leads.map((l) => l.status)).toEqual([200, 200, 200, 200, 200]);
    expect(leads[0]!.body.event).toMatchObject({ status: 'attributed', partnerId: partner.id });

    const ledger = await commissions(p.id);
    expect(ledger.map((c: any) => [c.kind, c.amount, c.status]).sort()).toEqual([
      ['commission', 2000, 'approved'],
      ['commission', 600, 'approved'],
      ['reversal', -300, 'approved'],
    ]);
    const evs = await json('GET', `/v1/events?programId=${p.id}&customerExternalId=late1`);
    expect(evs.body.data.map((e: any) => [e.type, e.status, e.partnerId]).sort()).toEqual([
      ['lead', 'attributed', partner.id],
      ['refund', 'attributed', partner.id],
      ['sale', 'attributed', partner.id],
      ['sale', 'attributed', partner.id],
    ]);
    const day = new Date().toISOString().slice(0, 10);
    const report = await json('GET', `/v1/programs/${p.id}/report?from=${day}&to=${day}&groupBy=partner`);
    expect(report.body.totals).toMatchObject({ leads: 1, sales: 2, revenue: 23000, commissions: [{ unit: 'USD', amount: 2300 }] });

    // A replay of the lead finds nothing more to do; the sale's replay answers its new state.
    await lead({ clickId, customer: { externalId: 'late1' } });
    expect((await commissions(p.id)).length).toBe(3);
    const replay = await json('POST', '/v1/track/sale', { programId: p.id, customerExternalId: 'late1', externalId: 'ord_early', amount: 20000, currency: 'USD' });
    expect(replay.body.event).toMatchObject({ status: 'attributed', partnerId: partner.id });
    expect(replay.body.commissions.map((c: any) => c.amount)).toEqual([2000]);
  });
});
