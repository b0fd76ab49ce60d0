import { describe, expect, it } from 'vitest';
import { addPartner, addReward, clickOn, days, lead, sale, setup } from '../conversions/support';

// `caps.perCustomer` counts per rule and customer, whichever partner the customer is attributed to:
// "once per customer" is the customer's first sale, not each partner's first sale of that customer.
describe('caps.perCustomer across partners (last_click)', () => {
  it('a customer who moves from A to B after their first sale earns B nothing under a count-1 rule; an uncapped rule pays B', async () => {
    const { t, program, partner: a } = await setup({ attribution: { model: 'last_click', windowDays: 90 }, holdDays: 0 });
    const once = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 500, caps: { perCustomer: { count: 1 } } });
    const each = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 100 });
    const b = await addPartner(t, program.id, 'Bob', 'bob@partner.test');

    t.setNow(days(1));
    await lead(t, { clickId: await clickOn(t, a.code), customer: { externalId: 'c1' } });
    t.setNow(days(2));
    const first = await sale(t, program.id, 'c1', 2000);
    const paid = Object.fromEntries(first.commissions.map((c: any) => [c.rewardId, [c.partnerId, c.amount]]));
    expect(paid).toEqual({ [once.id]: [a.id, 500], [each.id]: [a.id, 100] });

    t.setNow(days(5));
    await lead(t, { clickId: await clickOn(t, b.code), customer: { externalId: 'c1' }, eventName: 'upgrade' });
    t.setNow(days(6));
    const second = await sale(t, program.id, 'c1', 3000);
    expect(second.event).toMatchObject({ status: 'attributed', partnerId: b.id });
    expect(second.commissions.map((c: any) => [c.partnerId, c.rewardId, c.amount])).toEqual([[b.id, each.id, 100]]);
    expect(second.skipped).toEqual([expect.objectContaining({ rewardId: once.id, reason: 'customer_limit_reached' })]);
  });
});
