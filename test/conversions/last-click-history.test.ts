import { describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app';
import { addPartner, addReward, clickOn, commissions, days, lead, refund, sale, setup } from './support';

// Under last_click a conversion belongs to the touch that was current when it occurred: partner A
// refers the customer on day 1, partner B's click takes it over on day 10, and a sale reported
// later with occurredAt day 5 (backdated, or out of order) is A's, with A's link, click and window.

async function byPartner(t: TestApp, programId: string) {
  const r = await t.json('GET', `/v1/programs/${programId}/report?from=2026-02-01&to=2026-04-30&groupBy=partner`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return Object.fromEntries(r.body.rows.map((row: any) => [row.key, { leads: row.leads, sales: row.sales, revenue: row.revenue, commissions: row.commissions }]));
}

/** A (the seeded partner) refers c1 by click on day 1; B's click moves c1 to B on day 10. */
async function handOver(model: 'last_click' | 'first_click' = 'last_click') {
  const { t, program, partner: a } = await setup({ attribution: { model, windowDays: 30 }, holdDays: 0 });
  const b = await addPartner(t, program.id, 'Bob', 'bob@partner.test');
  t.setNow(days(1));
  const aClick = await clickOn(t, a.code);
  const signup = await lead(t, { clickId: aClick, customer: { externalId: 'c1' } });
  expect(signup.event).toMatchObject({ status: 'attributed', partnerId: a.id, clickId: aClick });
  t.setNow(days(10));
  const bClick = await clickOn(t, b.code);
  const trial = await lead(t, { clickId: bClick, customer: { externalId: 'c1' }, eventName: 'trial_started' });
  expect(trial.customer.partnerId).toBe(model === 'last_click' ? b.id : a.id);
  t.setNow(days(20));
  return { t, program, a, b, aClick, bClick };
}

describe('last_click: a conversion from before the customer’s current touch belongs to the touch current then', () => {
  it('a sale backdated between A’s and B’s touch pays A exactly, in A’s report row; B keeps later sales; refunds follow', async () => {
    const { t, program, a, b, aClick } = await handOver();
    await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 1000 }); // 10%
    const backdated = await sale(t, program.id, 'c1', 5000, { externalId: 'ord_back', occurredAt: days(5).toISOString() });
    expect(backdated.event).toMatchObject({ status: 'attributed', reason: null, partnerId: a.id, linkId: a.defaultLink.id, clickId: aClick });
    expect(backdated.commissions.map((c: any) => [c.partnerId, c.amount, c.status])).toEqual([[a.id, 500, 'approved']]);
    expect(backdated.customer.partnerId).toBe(b.id); // the customer stays B's

    const later = await sale(t, program.id, 'c1', 8000, { externalId: 'ord_later' });
    expect(later.event).toMatchObject({ status: 'attributed', partnerId: b.id });
    expect(later.commissions.map((c: any) => [c.partnerId, c.amount])).toEqual([[b.id, 800]]);

    const r = await refund(t, program.id, 'ord_back', 're_1', 1000);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.commissions.map((c: any) => [c.kind, c.partnerId, c.amount])).toEqual([['reversal', a.id, -100]]);

    expect((await commissions(t, program.id, { partnerId: a.id })).map((c: any) => c.amount).sort()).toEqual([-100, 500]);
    expect((await commissions(t, program.id, { partnerId: b.id })).map((c: any) => c.amount)).toEqual([800]);
    expect(await byPartner(t, program.id)).toEqual({
      [a.id]: { leads: 1, sales: 1, revenue: 4000, commissions: [{ unit: 'EUR', amount: 400 }] },
      [b.id]: { leads: 1, sales: 1, revenue: 8000, commissions: [{ unit: 'EUR', amount: 800 }] },
    });
  });

  it('a sale before A’s touch is still unattributed outside_window, and a replayed backdated sale books nothing twice', async () => {
    const { t, program, a } = await handOver();
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000 });
    const before = await sale(t, program.id, 'c1', 3000, { externalId: 'ord_before', occurredAt: new Date(days(1).getTime() - 1).toISOString() });
    expect(before.event).toMatchObject({ status: 'unattributed', reason: 'outside_window', partnerId: null, clickId: null });
    expect(before.commissions).toEqual([]);

    const body = { programId: program.id, customerExternalId: 'c1', externalId: 'ord_back', amount: 5000, currency: 'EUR', occurredAt: days(5).toISOString() };
    const first = await t.json('POST', '/v1/track/sale', body);
    const again = await t.json('POST', '/v1/track/sale', body);
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.body).toEqual(first.body);
    expect(first.body.commissions.map((c: any) => [c.partnerId, c.amount])).toEqual([[a.id, 1000]]);
    expect((await commissions(t, program.id)).map((c: any) => c.amount)).toEqual([1000]);
    expect(await byPartner(t, program.id)).toMatchObject({ [a.id]: { leads: 1, sales: 1, revenue: 5000 } });
  });

  it('reward windows count from A’s touch: a rule of 5 days pays on day 5 and skips day 8 (outside_window)', async () => {
    const { t, program, a } = await handOver();
    const rule = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 200, windowDays: 5 });
    const inWindow = await sale(t, program.id, 'c1', 1000, { occurredAt: days(5).toISOString() });
    expect(inWindow.commissions.map((c: any) => [c.partnerId, c.amount])).toEqual([[a.id, 200]]);
    const late = await sale(t, program.id, 'c1', 1000, { occurredAt: days(8).toISOString() });
    expect(late.event).toMatchObject({ status: 'attributed', partnerId: a.id });
    expect(late.commissions).toEqual([]);
    expect(late.skipped.map((s: any) => [s.rewardId, s.reason])).toEqual([[rule.id, 'outside_window']]);
  });

  it('funnel steps and leads without a referral of their own follow A too; A suspended → rejected partner_suspended', async () => {
    const { t, program, a } = await handOver();
    await addReward(t, program.id, { event: 'demo_requested', type: 'fixed', amount: 300 });
    await addReward(t, program.id, { event: 'webinar', type: 'fixed', amount: 150 });
    const demo = await t.json('POST', '/v1/track/event', { programId: program.id, customerExternalId: 'c1', eventName: 'demo_requested', occurredAt: days(4).toISOString() });
    expect(demo.body.event).toMatchObject({ status: 'attributed', partnerId: a.id });
    expect(demo.body.commissions.map((c: any) => c.amount)).toEqual([300]);
    const webinar = await lead(t, { programId: program.id, customer: { externalId: 'c1' }, eventName: 'webinar', occurredAt: days(6).toISOString() });
    expect(webinar.event).toMatchObject({ status: 'attributed', partnerId: a.id });
    expect(webinar.commissions.map((c: any) => c.amount)).toEqual([150]);
    expect(webinar.customer.partnerId).not.toBe(a.id);

    await t.json('PATCH', `/v1/partners/${a.id}`, { status: 'suspended' });
    const s = await sale(t, program.id, 'c1', 5000, { occurredAt: days(6).toISOString() });
    expect(s.event).toMatchObject({ status: 'rejected', reason: 'partner_suspended', partnerId: null });
    expect(s.commissions).toEqual([]);
  });

  it('a customer whose email, known after B’s lead, is A’s own: the backdated sale is rejected self_referral', async () => {
    const { t, program, a } = await handOver();
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000 });
    await lead(t, { programId: program.id, customer: { externalId: 'c1', email: 'Jane+shop@partner.test' }, eventName: 'profile' });
    const s = await sale(t, program.id, 'c1', 5000, { occurredAt: days(5).toISOString() });
    expect(s.event).toMatchObject({ status: 'rejected', reason: 'self_referral', partnerId: null });
    expect(await commissions(t, program.id)).toEqual([]);
    expect(a.email).toBe('jane@partner.test');
  });

  it('the history records each touch once: A and B for c1, nothing more after replays and a newer click of B', async () => {
    const { t, program, a, b } = await handOver();
    const bAgain = await clickOn(t, b.code);
    await lead(t, { clickId: bAgain, customer: { externalId: 'c1' }, eventName: 'upgrade' });
    await lead(t, { clickId: bAgain, customer: { externalId: 'c1' }, eventName: 'upgrade' }); // replay
    const rows = (await t.db.$client.execute('select partner_id, at from attribution_history order by at')).rows.map((r) => [r.partner_id, r.at]);
    expect(rows).toEqual([
      [a.id, days(1).getTime()],
      [b.id, days(10).getTime()],
    ]);
    expect(program.attribution.model).toBe('last_click');
  });

  it('A → B → A again: each backdated sale goes to the touch current on its day', async () => {
    const { t, program, a, b } = await handOver();
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000 });
    t.setNow(days(15));
    const aAgain = await clickOn(t, a.code);
    const back = await lead(t, { clickId: aAgain, customer: { externalId: 'c1' }, eventName: 'upgrade' });
    expect(back.customer.partnerId).toBe(a.id);
    t.setNow(days(20));
    const onDay = async (day: number) => (await sale(t, program.id, 'c1', 2000, { occurredAt: days(day).toISOString() })).event;
    const seen = [await onDay(3), await onDay(12), await onDay(16), await onDay(0)].map((e) => [e.partnerId, e.clickId === aAgain, e.reason]);
    expect(seen).toEqual([
      [a.id, false, null], // A's first touch (day 1), with its first click
      [b.id, false, null], // B's (day 10)
      [a.id, true, null], // A's new touch (day 15)
      [null, false, 'outside_window'],
    ]);
    expect((await commissions(t, program.id)).map((c: any) => c.partnerId).sort()).toEqual([a.id, a.id, b.id].sort());
  });
});

describe('first_click is unchanged', () => {
  it('the customer stays A’s: a sale on day 5 and one on day 15 are A’s; one before A’s touch is outside_window', async () => {
    const { t, program, a } = await handOver('first_click');
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000 });
    const mid = await sale(t, program.id, 'c1', 5000, { occurredAt: days(5).toISOString() });
    const late = await sale(t, program.id, 'c1', 5000, { occurredAt: days(15).toISOString() });
    const early = await sale(t, program.id, 'c1', 5000, { occurredAt: days(0).toISOString() });
    expect([mid, late].map((s) => [s.event.partnerId, s.commissions.map((c: any) => c.amount)])).toEqual([
      [a.id, [1000]],
      [a.id, [1000]],
    ]);
    expect(early.event).toMatchObject({ status: 'unattributed', reason: 'outside_window', partnerId: null });
  });
});
