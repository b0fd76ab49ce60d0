import { describe, expect, it } from 'vitest';
import { addReward, balance, commissions, customEvent, leadByCode, sale, setup } from './support';

// A customer attributed by code before its email was known, whose email (sent by a later lead)
// turns out to be the partner's own mailbox: the partner referred themselves. Sales and funnel
// steps used to pay the partner and the two-sided customer credit on every order.
describe('self-referral found after the attribution', () => {
  it('a sale or funnel step of a customer with the partner’s own mailbox or externalId is rejected self_referral and pays nothing', async () => {
    const { t, program, partner } = await setup();
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 500 });
    await addReward(t, program.id, { event: 'sale', recipient: 'customer', type: 'fixed', amount: 700 });
    await addReward(t, program.id, { event: 'demo_requested', type: 'fixed', amount: 300 });
    await leadByCode(t, partner.code, 'cus_1');
    await addReward(t, program.id, { event: 'trial', type: 'fixed', amount: 200 });
    const later = await t.json('POST', '/v1/track/lead', { programId: program.id, customer: { externalId: 'cus_1', email: 'Jane+shop@Partner.test' }, eventName: 'trial' });
    expect(later.status).toBe(200);
    // The lead that brings the partner's own mailbox is itself rejected and pays nothing.
    expect(later.body.event).toMatchObject({ status: 'rejected', reason: 'self_referral', partnerId: null });
    expect(later.body.commissions).toEqual([]);

    const s = await sale(t, program.id, 'cus_1', 5000);
    expect(s.event).toMatchObject({ status: 'rejected', reason: 'self_referral', partnerId: null });
    expect(s.commissions).toEqual([]);
    const e = await customEvent(t, program.id, 'cus_1', 'demo_requested');
    expect(e.event).toMatchObject({ status: 'rejected', reason: 'self_referral', partnerId: null });
    expect(e.commissions).toEqual([]);

    // Another customer of the same partner still pays both sides.
    await leadByCode(t, partner.code, 'cus_2', { customer: { externalId: 'cus_2', email: 'bob@example.org' } });
    const ok = await sale(t, program.id, 'cus_2', 5000);
    expect(ok.commissions.map((c: any) => [c.recipient, c.amount]).sort()).toEqual([['customer', 700], ['partner', 500]]);
    expect((await commissions(t, program.id)).map((c) => c.amount).sort()).toEqual([500, 700]);
    expect(await balance(t, partner.id)).toEqual({ pending: 500, approved: 0, paid: 0 });
  });

});
