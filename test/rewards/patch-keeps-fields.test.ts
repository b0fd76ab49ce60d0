import { describe, expect, it } from 'vitest';
import { addReward, commissions, leadByCode, sale, setup } from '../conversions/support';

// A PATCH changes the fields it sends and nothing else. The update schema reused the create
// schema's `recipient` with its default, so every PATCH without `recipient` set it to "partner".
describe('PATCH of a reward rule keeps the fields it does not send', () => {
  it('a customer credit patched to a new amount stays the customer credit, counted or not', async () => {
    const { t, program, partner } = await setup();
    const base = `/v1/programs/${program.id}/rewards`;
    const credit = await addReward(t, program.id, { event: 'sale', recipient: 'customer', type: 'fixed', amount: 500, tierPeriod: 'month', caps: { perCustomer: { count: 1 } } });

    const fresh = await t.json('PATCH', `${base}/${credit.id}`, { amount: 600 });
    expect(fresh.status, JSON.stringify(fresh.body)).toBe(200);
    expect([fresh.body.recipient, fresh.body.amount, fresh.body.tierPeriod, fresh.body.active]).toEqual(['customer', 600, 'month', true]);

    await leadByCode(t, partner.code, 'cus_1');
    const first = await sale(t, program.id, 'cus_1', 4900);
    expect(first.commissions.map((c: any) => [c.recipient, c.amount])).toEqual([['customer', 600]]);

    // Once it has counted, a PATCH of the amount alone is not a change of recipient (was 409 reward_in_use).
    const counted = await t.json('PATCH', `${base}/${credit.id}`, { amount: 700 });
    expect(counted.status, JSON.stringify(counted.body)).toBe(200);
    expect([counted.body.recipient, counted.body.amount]).toEqual(['customer', 700]);
    expect((await t.json('GET', `${base}/${credit.id}`)).body.recipient).toBe('customer');

    await leadByCode(t, partner.code, 'cus_2');
    const second = await sale(t, program.id, 'cus_2', 4900);
    expect(second.commissions.map((c: any) => [c.recipient, c.amount])).toEqual([['customer', 700]]);
    expect((await commissions(t, program.id)).map((c: any) => [c.recipient, c.amount]).sort()).toEqual([['customer', 600], ['customer', 700]]);
  });
});
