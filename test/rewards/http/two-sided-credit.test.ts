import { describe, expect, it } from 'vitest';
import { addPartner, addReward, balance, commissions, leadByCode, sale, setup } from '../../conversions/support';

// The new customer's credit of a two-sided reward: once per customer, booked to that customer, even
// when another partner's referral later moves the customer (last click).
describe('two-sided reward: the customer credit', () => {
  it('is paid once per customer across a re-attribution, and each credit names its own customer', async () => {
    const { t, program, partner: A } = await setup();
    const B = await addPartner(t, program.id, 'Bob', 'bob@partner.test');
    const toPartner = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 500, caps: { perCustomer: { count: 1 } } });
    const credit = await addReward(t, program.id, { event: 'sale', recipient: 'customer', type: 'fixed', amount: 700, caps: { perCustomer: { count: 1 } } });

    const one = (await leadByCode(t, A.code, 'cus_1')).customer;
    const first = await sale(t, program.id, 'cus_1', 4900);
    expect(first.commissions.map((c: any) => [c.rewardId, c.recipient, c.partnerId, c.customerId, c.amount]).sort()).toEqual(
      [
        [toPartner.id, 'partner', A.id, one.id, 500],
        [credit.id, 'customer', A.id, one.id, 700],
      ].sort(),
    );

    // B's referral moves cus_1 (a lead of another name); its next sale pays neither B nor a second credit.
    t.advance(86_400_000);
    const moved = await leadByCode(t, B.code, 'cus_1', { eventName: 'trial_started' });
    expect(moved.customer).toMatchObject({ id: one.id, partnerId: B.id });
    const second = await sale(t, program.id, 'cus_1', 4900);
    expect(second.event).toMatchObject({ status: 'attributed', partnerId: B.id });
    expect(second.commissions).toEqual([]);
    expect(second.skipped.map((s: any) => [s.rewardId, s.reason]).sort()).toEqual(
      [
        [toPartner.id, 'customer_limit_reached'],
        [credit.id, 'customer_limit_reached'],
      ].sort(),
    );

    // B's own new customer gets its own credit.
    const two = (await leadByCode(t, B.code, 'cus_2')).customer;
    const third = await sale(t, program.id, 'cus_2', 4900);
    expect(third.commissions.map((c: any) => [c.recipient, c.partnerId, c.customerId, c.amount]).sort()).toEqual(
      [
        ['customer', B.id, two.id, 700],
        ['partner', B.id, two.id, 500],
      ].sort(),
    );

    const credits = (await commissions(t, program.id)).filter((c) => c.recipient === 'customer');
    expect(credits.map((c) => [c.customerId, c.amount]).sort()).toEqual([[one.id, 700], [two.id, 700]].sort());
    // Credits are the customers' money, never in a partner's balance.
    expect(await balance(t, A.id)).toEqual({ pending: 500, approved: 0, paid: 0 });
    expect(await balance(t, B.id)).toEqual({ pending: 500, approved: 0, paid: 0 });
  });
});
