import { describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app';
import { clickIdOf, visit } from '../foundation/support';
import { addPartner, addReward, commissions, customEvent, days, leadByCode, sale, setup } from './support';

const HOUR = 3_600_000;

async function click(t: TestApp, code: string): Promise<string> {
  const res = await visit(t, `/${code}`);
  expect(res.status).toBe(302);
  return clickIdOf(res)!;
}

async function leadByClick(t: TestApp, clickId: string, externalId: string, eventName = 'lead') {
  const r = await t.json('POST', '/v1/track/lead', { clickId, customer: { externalId }, eventName });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

async function partnerTotals(t: TestApp, programId: string) {
  const r = await t.json('GET', `/v1/programs/${programId}/report?from=2026-03-01&to=2026-06-30&groupBy=partner`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return { leads: r.body.totals.leads, sales: r.body.totals.sales, revenue: r.body.totals.revenue };
}

// A referral cannot cause what happened before it: a conversion whose occurredAt is before the
// touch that attributed its customer (the click, or the lead by code) is nobody's.
describe('a conversion that occurred before the referral', () => {
  it('a sale backdated before the click is unattributed outside_window, earns nothing and is not the partner’s in reports', async () => {
    const { t, program, partner } = await setup();
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000 });
    t.setNow(days(10));
    const clickId = await click(t, partner.code);
    t.advance(HOUR);
    const lead = await leadByClick(t, clickId, 'c1');
    expect(lead.event).toMatchObject({ status: 'attributed', partnerId: partner.id, clickId });

    const before = await sale(t, program.id, 'c1', 5000, { externalId: 'ord_before', occurredAt: new Date(days(10).getTime() - 1).toISOString() });
    expect(before.event).toMatchObject({ status: 'unattributed', reason: 'outside_window', partnerId: null, linkId: null, clickId: null, amount: 5000 });
    expect([before.commissions, before.skipped]).toEqual([[], []]);
    // The customer stays the partner's.
    expect(before.customer.partnerId).toBe(partner.id);

    // Exactly at the click, and between the click and the lead, the click caused it.
    const atClick = await sale(t, program.id, 'c1', 4000, { externalId: 'ord_at_click', occurredAt: days(10).toISOString() });
    expect(atClick.event).toMatchObject({ status: 'attributed', reason: null, partnerId: partner.id });
    expect(atClick.commissions.map((c: any) => c.amount)).toEqual([1000]);

    expect((await commissions(t, program.id)).map((c: any) => c.amount)).toEqual([1000]);
    expect(await partnerTotals(t, program.id)).toEqual({ leads: 1, sales: 1, revenue: 4000 });
  });

  it('a funnel step and a second lead before a referral by code are unattributed too', async () => {
    const { t, program, partner } = await setup();
    await addReward(t, program.id, { event: 'demo_requested', type: 'fixed', amount: 300 });
    await addReward(t, program.id, { event: 'trial_started', type: 'fixed', amount: 200 });
    t.setNow(days(5));
    await leadByCode(t, partner.code, 'c1');
    const demo = await customEvent(t, program.id, 'c1', 'demo_requested', { occurredAt: days(4).toISOString() });
    expect(demo.event).toMatchObject({ status: 'unattributed', reason: 'outside_window', partnerId: null });
    expect(demo.commissions).toEqual([]);
    const trial = await leadByCode(t, partner.code, 'c1', { eventName: 'trial_started', occurredAt: days(4).toISOString() });
    expect(trial.event).toMatchObject({ status: 'unattributed', reason: 'outside_window', partnerId: null });
    expect(trial.customer.partnerId).toBe(partner.id);
    const later = await customEvent(t, program.id, 'c1', 'demo_requested', { externalId: 'demo_2' });
    expect(later.commissions.map((c: any) => c.amount)).toEqual([300]);
  });

  it('last_click: a sale from before the newer partner’s click is not that partner’s but the earlier partner’s', async () => {
    const { t, program, partner } = await setup({ attribution: { model: 'last_click', windowDays: 30 } });
    const other = await addPartner(t, program.id, 'Bob', 'bob@partner.test');
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000 });
    t.setNow(days(1));
    await leadByCode(t, partner.code, 'c1');
    t.setNow(days(10));
    const bobClick = await click(t, other.code);
    const moved = await leadByClick(t, bobClick, 'c1', 'trial_started');
    expect(moved.customer.partnerId).toBe(other.id);
    const s = await sale(t, program.id, 'c1', 5000, { occurredAt: days(5).toISOString() });
    // It belongs to the touch current on day 5: the first partner's lead by code (test/conversions/last-click-history.test.ts).
    expect(s.event).toMatchObject({ status: 'attributed', reason: null, partnerId: partner.id });
    expect((await commissions(t, program.id)).map((c: any) => [c.partnerId, c.amount])).toEqual([[partner.id, 1000]]);
  });

  it('the program window bounds click → lead only: a sale 60 days after the click still earns (a rule’s windowDays bounds it)', async () => {
    const { t, program, partner } = await setup({ attribution: { model: 'last_click', windowDays: 30 } });
    const open = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000 });
    const windowed = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 200, windowDays: 30 });
    const clickId = await click(t, partner.code);
    await leadByClick(t, clickId, 'c1');
    t.setNow(days(60));
    const s = await sale(t, program.id, 'c1', 5000);
    expect(s.event).toMatchObject({ status: 'attributed', partnerId: partner.id });
    expect(s.commissions.map((c: any) => [c.rewardId, c.amount])).toEqual([[open.id, 1000]]);
    expect(s.skipped.map((x: any) => [x.rewardId, x.reason])).toEqual([[windowed.id, 'outside_window']]);
  });
});
