import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawClient } from '../foundation/support';
import { startReceiver, setupWebhooks, runJobs, verifySignature } from './support';

describe('webhooks for refunds and payouts — in the batch of the write, once', () => {
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    rx = await startReceiver();
  });
  afterAll(async () => {
    await rx.close();
  });

  it('refund.created with its reversal; payout.created / paid / canceled with the API JSON; replays send nothing new', async () => {
    rx.received.length = 0;
    rx.setStatus(200);
    const { t, program, partner } = await setupWebhooks();
    const hook = await t.json('POST', `/v1/programs/${program.id}/webhooks`, {
      url: rx.url,
      events: ['refund.created', 'commission.created', 'payout.created', 'payout.paid', 'payout.canceled'],
    });
    const bodies = async () => {
      await runJobs(t);
      const out = rx.received.map((r) => {
        expect(verifySignature(r.headers['reflink-signature'] as string, r.body, hook.body.secret)).toBe(true);
        return JSON.parse(r.body);
      });
      rx.received.length = 0;
      return out;
    };
    await t.json('POST', '/v1/track/lead', { code: partner.code, customer: { externalId: 'cust_1' } });
    const sale = await t.json('POST', '/v1/track/sale', { programId: program.id, customerExternalId: 'cust_1', externalId: 'inv_1', amount: 4900, currency: 'EUR' });
    expect((await bodies()).map((b) => [b.type, b.data.amount])).toEqual([['commission.created', 1470]]);

    const refund = await t.json('POST', '/v1/track/refund', { programId: program.id, saleExternalId: 'inv_1', externalId: 're_1', amount: 1000 });
    expect(refund.status).toBe(200);
    const afterRefund = await bodies();
    expect(afterRefund.map((b) => b.type).sort()).toEqual(['commission.created', 'refund.created']);
    expect(afterRefund.find((b) => b.type === 'refund.created').data).toEqual(refund.body.event);
    expect(afterRefund.find((b) => b.type === 'commission.created').data).toEqual(refund.body.commissions[0]);
    expect(refund.body.commissions[0]).toMatchObject({ kind: 'reversal', amount: -300, reversesId: sale.body.commissions[0].id });
    expect((await t.json('POST', '/v1/track/refund', { programId: program.id, saleExternalId: 'inv_1', externalId: 're_1', amount: 1000 })).status).toBe(200);
    expect(await bodies()).toEqual([]);

    const built = await t.json('POST', `/v1/programs/${program.id}/payouts`, {});
    expect(built.status).toBe(201);
    const [payout] = built.body.data;
    expect(payout).toMatchObject({ amount: 1170, amountFormatted: '11.70', entryCount: 2, status: 'pending' });
    const created = await bodies();
    expect(created).toEqual([{ id: `whe_${payout.id.slice(4)}`, type: 'payout.created', createdAt: payout.createdAt, data: payout }]);
    // A build that creates nothing queues nothing.
    expect((await t.json('POST', `/v1/programs/${program.id}/payouts`, {})).body.data).toEqual([]);
    expect(await bodies()).toEqual([]);

    t.advance(1000);
    const paid = await t.json('POST', `/v1/payouts/${payout.id}/mark-paid`, { reference: 'SEPA-1' });
    expect(paid.status).toBe(200);
    const paidHooks = await bodies();
    expect(paidHooks).toEqual([{ id: expect.stringMatching(/^whe_/), type: 'payout.paid', createdAt: t.now.toISOString(), data: paid.body }]);
    expect(paidHooks[0].data).toMatchObject({ status: 'paid', reference: 'SEPA-1', paidAt: t.now.toISOString() });
    expect((await t.json('POST', `/v1/payouts/${payout.id}/mark-paid`, { reference: 'SEPA-1' })).status).toBe(200); // replay
    expect((await t.json('POST', `/v1/payouts/${payout.id}/mark-paid`, { reference: 'OTHER' })).status).toBe(409);
    expect((await t.json('POST', `/v1/payouts/${payout.id}/cancel`, {})).status).toBe(409);
    expect(await bodies()).toEqual([]);

    // A second payout, canceled.
    await t.json('POST', '/v1/track/sale', { programId: program.id, customerExternalId: 'cust_1', externalId: 'inv_2', amount: 1000, currency: 'EUR' });
    await bodies();
    const second = (await t.json('POST', `/v1/programs/${program.id}/payouts`, {})).body.data[0];
    await bodies();
    t.advance(1000);
    const canceled = await t.json('POST', `/v1/payouts/${second.id}/cancel`, { reason: 'wrong IBAN' });
    expect(canceled.status).toBe(200);
    expect(await bodies()).toEqual([{ id: expect.stringMatching(/^whe_/), type: 'payout.canceled', createdAt: t.now.toISOString(), data: canceled.body }]);
    expect((await t.json('POST', `/v1/payouts/${second.id}/cancel`, { reason: 'again' })).status).toBe(200); // replay
    expect(await bodies()).toEqual([]);

    const stored = (await rawClient(t).execute(`select event_type, status from webhook_deliveries order by event_type`)).rows.map((r) => `${r.event_type}:${r.status}`);
    expect(stored).toEqual([
      'commission.created:delivered',
      'commission.created:delivered',
      'commission.created:delivered',
      'payout.canceled:delivered',
      'payout.created:delivered',
      'payout.created:delivered',
      'payout.paid:delivered',
      'refund.created:delivered',
    ]);
  });
});
