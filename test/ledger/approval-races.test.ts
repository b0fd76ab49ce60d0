import { describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app';
import { addReward, balance, commissions, DAY, leadByCode, refund, sale, setup } from '../conversions/support';

/**
 * Runs `step` once, committed just before the next batch the app sends (a refund's): the
 * interleaving "the refund read the ledger, then the other request wrote, then the refund wrote".
 */
function beforeNextBatch(t: TestApp, step: () => Promise<unknown>) {
  const client = t.db.$client as unknown as { batch: (...a: unknown[]) => Promise<unknown> };
  const original = client.batch;
  client.batch = async (...args: unknown[]) => {
    client.batch = original;
    await step();
    return original.apply(client, args);
  };
}

/** 20% of each sale, held 30 days; one attributed customer. */
async function heldProgram() {
  const { t, program, partner } = await setup({ holdDays: 30 });
  await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 2000 });
  await leadByCode(t, partner.code, 'cus_1');
  return { t, program, partner };
}

describe('a partial refund racing the approval job', () => {
  it('the job approving the original between the refund\'s read and write: the reversal is approved with it', async () => {
    const { t, program, partner } = await heldProgram();
    const s = await sale(t, program.id, 'cus_1', 10000, { externalId: 'ord_1' });
    const [original] = s.commissions;
    t.advance(31 * DAY);
    let job: any;
    beforeNextBatch(t, async () => (job = await t.json('POST', '/v1/jobs/approve-commissions')));
    const r = await refund(t, program.id, 'ord_1', 'rf_1', 3000);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(job).toMatchObject({ status: 200, body: { approved: 1 } });
    expect(r.body.commissions.map((c: any) => [c.kind, c.reversesId, c.amount, c.status])).toEqual([['reversal', original.id, -600, 'approved']]);
    expect((await commissions(t, program.id)).map((c) => [c.kind, c.amount, c.status]).sort()).toEqual([
      ['commission', 2000, 'approved'],
      ['reversal', -600, 'approved'],
    ]);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 1400, paid: 0 });
    const payouts = await t.json('POST', `/v1/programs/${program.id}/payouts`, {});
    expect(payouts.body.data.map((p: any) => [p.amount, p.entryCount])).toEqual([[1400, 2]]);
  });

  it('a payout claiming the approved original between the refund\'s read and write: the refund becomes an adjustment', async () => {
    const { t, program, partner } = await heldProgram();
    const s = await sale(t, program.id, 'cus_1', 10000, { externalId: 'ord_1' });
    const [original] = s.commissions;
    t.advance(31 * DAY);
    expect((await t.json('POST', '/v1/jobs/approve-commissions')).body).toEqual({ approved: 1 });
    let payout: any;
    beforeNextBatch(t, async () => (payout = await t.json('POST', `/v1/programs/${program.id}/payouts`, {})));
    const r = await refund(t, program.id, 'ord_1', 'rf_1', 3000);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(payout.body.data.map((p: any) => [p.amount, p.entryCount])).toEqual([[2000, 1]]);
    // Taken back from the next payout, as for any refund of an entry already in a payout.
    expect(r.body.commissions.map((c: any) => [c.kind, c.reversesId, c.amount, c.status])).toEqual([['adjustment', original.id, -600, 'approved']]);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 1400, paid: 0 });
  });
});
