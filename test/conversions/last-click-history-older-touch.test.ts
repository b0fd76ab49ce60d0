import { describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app';
import { addPartner, addReward, clickOn, commissions, days, lead, sale, setup } from './support';

// Under last_click a lead may bring a click or code older than the customer's current touch: it does
// not move the customer (the newer touch wins), but it is a real touch in the customer's past. The
// history gains it, so events dated after it (and before the next recorded touch) are its partner's,
// and the lead itself is that partner's too.

async function history(t: TestApp) {
  const rows = (await t.db.$client.execute('select partner_id, link_id, click_id, at from attribution_history order by at, id')).rows;
  return rows.map((r) => [r.partner_id, r.at]);
}

async function customerTouch(t: TestApp) {
  const r = (await t.db.$client.execute("select partner_id, click_id, attributed_at from customers where external_id = 'c1'")).rows[0]!;
  return [r.partner_id, r.click_id, r.attributed_at];
}

async function byPartner(t: TestApp, programId: string) {
  const r = await t.json('GET', `/v1/programs/${programId}/report?from=2026-02-01&to=2026-04-30&groupBy=partner`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return Object.fromEntries(r.body.rows.map((row: any) => [row.key, { leads: row.leads, sales: row.sales, revenue: row.revenue }]));
}

/** A refers c1 by click on day 1, B's click moves it on day 9; C's click was made on `cDay` (not yet used); now day 11. */
async function scenario(model: 'last_click' | 'first_click' = 'last_click', cDay = 5) {
  const { t, program, partner: a } = await setup({ attribution: { model, windowDays: 30 }, holdDays: 0 });
  const b = await addPartner(t, program.id, 'Bob', 'bob@partner.test');
  const c = await addPartner(t, program.id, 'Cy', 'cy@partner.test');
  t.setNow(days(cDay));
  const cClick = await clickOn(t, c.code);
  t.setNow(days(1));
  const aClick = await clickOn(t, a.code);
  await lead(t, { clickId: aClick, customer: { externalId: 'c1' } });
  t.setNow(days(9));
  const bClick = await clickOn(t, b.code);
  const moved = await lead(t, { clickId: bClick, customer: { externalId: 'c1' }, eventName: 'trial_started' });
  expect(moved.customer.partnerId).toBe(model === 'last_click' ? b.id : a.id);
  t.setNow(days(11));
  return { t, program, a, b, c, aClick, bClick, cClick };
}

const at = (day: number, hours = 0) => new Date(days(day).getTime() + hours * 3_600_000).toISOString();

describe('last_click: a backdated lead with its own older touch goes into the history’s past', () => {
  it('C’s click of day 5 (between A’s day 1 and B’s day 9): the lead pays C exactly, the customer stays B, sales on days 3/7/10 go to A/C/B', async () => {
    const { t, program, a, b, c, aClick, bClick, cClick } = await scenario();
    await addReward(t, program.id, { event: 'demo', type: 'fixed', amount: 700 });
    await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 1000 }); // 10%
    const demo = await lead(t, { clickId: cClick, customer: { externalId: 'c1' }, eventName: 'demo', occurredAt: at(5, 2) });
    expect(demo.event).toMatchObject({ status: 'attributed', reason: null, partnerId: c.id, linkId: c.defaultLink.id, clickId: cClick });
    expect(demo.commissions.map((x: any) => [x.partnerId, x.amount, x.status])).toEqual([[c.id, 700, 'approved']]);
    expect(demo.customer.partnerId).toBe(b.id); // B's touch is later: the customer stays B's
    expect(await customerTouch(t)).toEqual([b.id, bClick, days(9).getTime()]);
    expect(await history(t)).toEqual([
      [a.id, days(1).getTime()],
      [c.id, days(5).getTime()],
      [b.id, days(9).getTime()],
    ]);

    const onDay = async (day: number, amount: number) => (await sale(t, program.id, 'c1', amount, { occurredAt: at(day) }));
    const s3 = await onDay(3, 1000);
    const s7 = await onDay(7, 2000);
    const s10 = await onDay(10, 4000);
    expect([s3, s7, s10].map((s) => [s.event.partnerId, s.event.clickId, s.commissions.map((x: any) => x.amount)])).toEqual([
      [a.id, aClick, [100]],
      [c.id, cClick, [200]],
      [b.id, bClick, [400]],
    ]);
    expect((await commissions(t, program.id, { partnerId: c.id })).map((x: any) => x.amount).sort((x, y) => x - y)).toEqual([200, 700]);
    expect((await commissions(t, program.id, { partnerId: a.id })).map((x: any) => x.amount)).toEqual([100]);
    expect((await commissions(t, program.id, { partnerId: b.id })).map((x: any) => x.amount)).toEqual([400]);
    expect(await byPartner(t, program.id)).toEqual({
      [a.id]: { leads: 1, sales: 1, revenue: 1000 },
      [c.id]: { leads: 1, sales: 1, revenue: 2000 },
      [b.id]: { leads: 1, sales: 1, revenue: 4000 },
    });
  });

  it('C’s referral code on a lead dated day 5: the touch is at the lead’s occurredAt, with C’s link and no click', async () => {
    const { t, program, a, b, c } = await scenario();
    await addReward(t, program.id, { event: 'demo', type: 'fixed', amount: 700 });
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 250 });
    const demo = await lead(t, { code: c.code, customer: { externalId: 'c1' }, eventName: 'demo', occurredAt: at(5) });
    expect(demo.event).toMatchObject({ status: 'attributed', partnerId: c.id, linkId: c.defaultLink.id, clickId: null });
    expect(demo.commissions.map((x: any) => [x.partnerId, x.amount])).toEqual([[c.id, 700]]);
    expect(demo.customer.partnerId).toBe(b.id);
    const row = (await t.db.$client.execute(`select link_id, click_id from attribution_history where partner_id = '${c.id}'`)).rows.map((r) => [r.link_id, r.click_id]);
    expect(row).toEqual([[c.defaultLink.id, null]]);
    expect(await history(t)).toEqual([
      [a.id, days(1).getTime()],
      [c.id, days(5).getTime()],
      [b.id, days(9).getTime()],
    ]);
    const s = await sale(t, program.id, 'c1', 3000, { occurredAt: at(8) });
    expect(s.commissions.map((x: any) => [x.partnerId, x.amount])).toEqual([[c.id, 250]]);
  });

  it('a lead sent today with C’s click of day 5 (in the window): the lead is B’s (current), the history still gains C on day 5', async () => {
    const { t, program, a, b, c, cClick } = await scenario();
    await addReward(t, program.id, { event: 'demo', type: 'fixed', amount: 700 });
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 250 });
    const demo = await lead(t, { clickId: cClick, customer: { externalId: 'c1' }, eventName: 'demo' });
    expect(demo.event).toMatchObject({ status: 'attributed', partnerId: b.id });
    expect(demo.commissions.map((x: any) => [x.partnerId, x.amount])).toEqual([[b.id, 700]]);
    expect(await history(t)).toEqual([
      [a.id, days(1).getTime()],
      [c.id, days(5).getTime()],
      [b.id, days(9).getTime()],
    ]);
    const s = await sale(t, program.id, 'c1', 3000, { occurredAt: at(6) });
    expect(s.commissions.map((x: any) => [x.partnerId, x.amount])).toEqual([[c.id, 250]]);
  });

  it('older than every recorded touch (C’s click on day 0, A’s on day 1): C becomes the first; before C’s click stays outside_window', async () => {
    const { t, program, a, b, c, cClick } = await scenario('last_click', 0);
    await addReward(t, program.id, { event: 'demo', type: 'fixed', amount: 700 });
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 250 });
    const demo = await lead(t, { clickId: cClick, customer: { externalId: 'c1' }, eventName: 'demo', occurredAt: at(0, 6) });
    expect(demo.event).toMatchObject({ status: 'attributed', partnerId: c.id, clickId: cClick });
    expect(demo.commissions.map((x: any) => [x.partnerId, x.amount])).toEqual([[c.id, 700]]);
    expect(await history(t)).toEqual([
      [c.id, days(0).getTime()],
      [a.id, days(1).getTime()],
      [b.id, days(9).getTime()],
    ]);
    const mid = await sale(t, program.id, 'c1', 3000, { occurredAt: at(0, 12) });
    expect(mid.commissions.map((x: any) => [x.partnerId, x.amount])).toEqual([[c.id, 250]]);
    const early = await sale(t, program.id, 'c1', 3000, { occurredAt: new Date(days(0).getTime() - 1).toISOString() });
    expect(early.event).toMatchObject({ status: 'unattributed', reason: 'outside_window', partnerId: null });
  });

  it('equal instants keep the touch already recorded: C’s code at exactly A’s day 1 is A’s, at exactly B’s day 9 is B’s; nothing added', async () => {
    const { t, program, a, b, c, aClick } = await scenario();
    await addReward(t, program.id, { event: 'demo', type: 'fixed', amount: 700 });
    await addReward(t, program.id, { event: 'webinar', type: 'fixed', amount: 300 });
    const atA = await lead(t, { code: c.code, customer: { externalId: 'c1' }, eventName: 'demo', occurredAt: at(1) });
    expect(atA.event).toMatchObject({ status: 'attributed', partnerId: a.id, clickId: aClick });
    expect(atA.commissions.map((x: any) => [x.partnerId, x.amount])).toEqual([[a.id, 700]]);
    const atB = await lead(t, { code: c.code, customer: { externalId: 'c1' }, eventName: 'webinar', occurredAt: at(9) });
    expect(atB.event).toMatchObject({ status: 'attributed', partnerId: b.id });
    expect(atB.commissions.map((x: any) => [x.partnerId, x.amount])).toEqual([[b.id, 300]]);
    expect(await history(t)).toEqual([
      [a.id, days(1).getTime()],
      [b.id, days(9).getTime()],
    ]);
  });

  it('the same partner as a neighbouring touch adds nothing: A’s code on day 5 is A’s (A’s first click), B’s code on day 5 is A’s too', async () => {
    const { t, program, a, b, aClick } = await scenario();
    await addReward(t, program.id, { event: 'demo', type: 'fixed', amount: 700 });
    await addReward(t, program.id, { event: 'webinar', type: 'fixed', amount: 300 });
    const byA = await lead(t, { code: a.code, customer: { externalId: 'c1' }, eventName: 'demo', occurredAt: at(5) });
    expect(byA.event).toMatchObject({ status: 'attributed', partnerId: a.id, clickId: aClick });
    expect(byA.commissions.map((x: any) => [x.partnerId, x.amount])).toEqual([[a.id, 700]]);
    // B's touch of day 9 is not moved back to day 5 (it would change when B referred the customer).
    const byB = await lead(t, { code: b.code, customer: { externalId: 'c1' }, eventName: 'webinar', occurredAt: at(5) });
    expect(byB.event).toMatchObject({ status: 'attributed', partnerId: a.id });
    expect(byB.commissions.map((x: any) => [x.partnerId, x.amount])).toEqual([[a.id, 300]]);
    expect(await history(t)).toEqual([
      [a.id, days(1).getTime()],
      [b.id, days(9).getTime()],
    ]);
  });

  it('replays add nothing: the same lead twice answers the same and books 700 once; another lead with C’s click reuses C’s row', async () => {
    const { t, program, a, b, c, cClick } = await scenario();
    await addReward(t, program.id, { event: 'demo', type: 'fixed', amount: 700 });
    const body = { clickId: cClick, customer: { externalId: 'c1' }, eventName: 'demo', occurredAt: at(5, 2) };
    const first = await t.json('POST', '/v1/track/lead', body);
    const again = await t.json('POST', '/v1/track/lead', body);
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.body).toEqual(first.body);
    const other = await lead(t, { clickId: cClick, customer: { externalId: 'c1' }, eventName: 'webinar', occurredAt: at(6) });
    expect(other.event).toMatchObject({ status: 'attributed', partnerId: c.id, clickId: cClick });
    expect((await commissions(t, program.id)).map((x: any) => [x.partnerId, x.amount])).toEqual([[c.id, 700]]);
    expect(await history(t)).toEqual([
      [a.id, days(1).getTime()],
      [c.id, days(5).getTime()],
      [b.id, days(9).getTime()],
    ]);
  });

  it('an event recorded before the lead that brings C’s touch stays A’s; the same sale date reported afterwards is C’s', async () => {
    const { t, program, a, c, cClick } = await scenario();
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 250 });
    const early = await sale(t, program.id, 'c1', 3000, { externalId: 'ord_early', occurredAt: at(7) });
    expect(early.commissions.map((x: any) => [x.partnerId, x.amount])).toEqual([[a.id, 250]]);
    await lead(t, { clickId: cClick, customer: { externalId: 'c1' }, eventName: 'demo', occurredAt: at(5, 2) });
    const late = await sale(t, program.id, 'c1', 3000, { externalId: 'ord_late', occurredAt: at(7) });
    expect(late.commissions.map((x: any) => [x.partnerId, x.amount])).toEqual([[c.id, 250]]);
    const stored = (await t.db.$client.execute("select external_id, partner_id from events where type = 'sale' order by external_id")).rows.map((r) => [r.external_id, r.partner_id]);
    expect(stored).toEqual([
      ['ord_early', a.id],
      ['ord_late', c.id],
    ]);
  });

  it('a suspended C’s click is no touch: the lead is A’s (current on day 5) and the history is unchanged', async () => {
    const { t, program, a, b, c, cClick } = await scenario();
    expect((await t.json('PATCH', `/v1/partners/${c.id}`, { status: 'suspended' })).status).toBe(200);
    await addReward(t, program.id, { event: 'demo', type: 'fixed', amount: 700 });
    const r = await t.json('POST', '/v1/track/lead', { clickId: cClick, customer: { externalId: 'c1' }, eventName: 'demo', occurredAt: at(5, 2) });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.event).toMatchObject({ status: 'attributed', partnerId: a.id });
    expect(r.body.commissions.map((x: any) => [x.partnerId, x.amount])).toEqual([[a.id, 700]]);
    expect(await history(t)).toEqual([
      [a.id, days(1).getTime()],
      [b.id, days(9).getTime()],
    ]);
  });
});

describe('first_click is unchanged', () => {
  it('C’s older click on a backdated lead: the lead is A’s (the first touch), the history keeps only A', async () => {
    const { t, program, a, cClick } = await scenario('first_click');
    await addReward(t, program.id, { event: 'demo', type: 'fixed', amount: 700 });
    const demo = await lead(t, { clickId: cClick, customer: { externalId: 'c1' }, eventName: 'demo', occurredAt: at(5, 2) });
    expect(demo.event).toMatchObject({ status: 'attributed', partnerId: a.id });
    expect(demo.commissions.map((x: any) => [x.partnerId, x.amount])).toEqual([[a.id, 700]]);
    expect(await history(t)).toEqual([[a.id, days(1).getTime()]]);
  });
});
