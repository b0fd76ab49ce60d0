import { describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app';
import { addPartner, addReward, clickOn, days, lead, sale, setup } from './support';

// Review of the attribution history: a newer click of the partner who already has the customer
// moves the customer's link and click (not `at`). The history row of that touch must move with it,
// or a sale backdated into that partner's tenure after another partner took over gets the partner's
// first link and click — not those the customer held then, nor those the same sale would have got
// had it been reported before the takeover — and lands in the wrong link/campaign report rows.

async function byCampaign(t: TestApp, programId: string) {
  const r = await t.json('GET', `/v1/programs/${programId}/report?from=2026-02-01&to=2026-04-30&groupBy=campaign`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return Object.fromEntries(r.body.rows.map((row: any) => [row.key, { sales: row.sales, revenue: row.revenue }]));
}

describe('last_click history: a newer click of the same partner', () => {
  it('a sale backdated into A’s tenure after B took over gets the link and click A held, as it did before the takeover', async () => {
    const { t, program, partner: a } = await setup({ attribution: { model: 'last_click', windowDays: 30 }, holdDays: 0 });
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000 });
    const spring = (await t.json('POST', `/v1/partners/${a.id}/links`, { code: 'jane-spring', campaign: 'spring' })).body;
    const b = await addPartner(t, program.id, 'Bob', 'bob@partner.test');

    t.setNow(days(1));
    const first = await clickOn(t, a.code);
    await lead(t, { clickId: first, customer: { externalId: 'c1' } });
    t.setNow(days(3));
    const second = await clickOn(t, spring.code); // A again: the customer moves to A's spring link
    const moved = await lead(t, { clickId: second, customer: { externalId: 'c1' }, eventName: 'trial' });
    expect(moved.event).toMatchObject({ partnerId: a.id, linkId: spring.id, clickId: second });
    const held = (await t.db.$client.execute("select link_id, click_id from customers where external_id = 'c1'")).rows[0]!;
    expect([held.link_id, held.click_id]).toEqual([spring.id, second]);

    t.setNow(days(6));
    const before = await sale(t, program.id, 'c1', 2000, { occurredAt: days(5).toISOString() }); // reported while A is current
    expect(before.event).toMatchObject({ partnerId: a.id, linkId: spring.id, clickId: second });

    t.setNow(days(10));
    await lead(t, { clickId: await clickOn(t, b.code), customer: { externalId: 'c1' }, eventName: 'upgrade' });
    t.setNow(days(12));
    const after = await sale(t, program.id, 'c1', 3000, { occurredAt: days(5).toISOString() }); // same day, reported after B took over
    expect(after.event).toMatchObject({ status: 'attributed', partnerId: a.id, linkId: spring.id, clickId: second });
    expect(after.commissions.map((c: any) => [c.partnerId, c.amount])).toEqual([[a.id, 1000]]);
    expect(await byCampaign(t, program.id)).toMatchObject({ spring: { sales: 2, revenue: 5000 } });
    const rows = (await t.db.$client.execute('select partner_id, link_id, click_id, at from attribution_history order by at')).rows.map((r) => [r.partner_id, r.link_id, r.click_id, r.at]);
    expect(rows.map((r) => r.slice(0, 3))).toEqual([
      [a.id, spring.id, second],
      [b.id, b.defaultLink.id, expect.any(String)],
    ]);
    expect(rows[0]![3]).toBe(days(1).getTime()); // A's reward windows still count from day 1
  });
});
