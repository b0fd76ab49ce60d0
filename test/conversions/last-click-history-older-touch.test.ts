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

/** A refers c1 by click on day 1, B's click moves it on day 9; C's click was made on day 5 (not yet used); now day 11. */
async function scenario(model: 'last_click' | 'first_click' = 'last_click') {
  const { t, program, partner: a } = await setup({ attribution: { model, windowDays: 30 }, holdDays: 0 });
  const b = await addPartner(t, program.id, 'Bob', 'bob@partner.test');
  const c = await addPartner(t, program.id, 'Cy', 'cy@partner.test');
  t.setNow(days(1));
  const aClick = await clickOn(t, a.code);
  await lead(t, { clickId: aClick, customer: { externalId: 'c1' } });
  t.setNow(days(5));
  const cClick = await clickOn(t, c.code);
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
  });
});
