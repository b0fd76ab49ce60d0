import { describe, expect, it } from 'vitest';
import { json } from './helpers';
import { addReward, leadByCode, program, refund, sale } from './tracking';

// The customers API on workerd with D1: the detail's one batch of reads (the credits found through
// the customer's events) and the list, as on libSQL (test/customers/ has the full cases).
describe('customers on workerd with D1', () => {
  it('a two-sided credit shows on its customer with its exact amount; a partial refund nets it; lists page and filter', async () => {
    const { program: p, partner } = await program({ holdDays: 0 });
    const credit = await addReward(p.id, { event: 'sale', recipient: 'customer', type: 'fixed', amount: 500, caps: { perCustomer: { count: 1 } } });
    await addReward(p.id, { event: 'sale', type: 'fixed', amount: 500, caps: { perCustomer: { count: 1 } } });
    const c1 = (await leadByCode(partner.code, 'w_1')).customer.id;
    const c2 = (await leadByCode(partner.code, 'w_2')).customer.id;
    await sale(p.id, 'w_1', 'inv_w1', 4000);
    expect((await refund(p.id, 'inv_w1', 're_w1', 1000)).status).toBe(200);

    const d = await json('GET', `/v1/programs/${p.id}/customers/${c1}`);
    expect(d.status, JSON.stringify(d.body)).toBe(200);
    expect(d.body.credits.balances).toEqual([{ unit: 'USD', pending: 0, approved: 375, formatted: { pending: '0.00', approved: '3.75' } }]);
    expect(d.body.credits.entries.map((e: any) => [e.kind, e.rewardId, e.amount, e.status]).sort()).toEqual(
      [
        ['commission', credit.id, 500, 'approved'],
        ['reversal', credit.id, -125, 'approved'],
      ].sort(),
    );
    expect(d.body.events).toMatchObject({ leads: 1, sales: 1, refunds: 1, revenue: 3000, currency: 'USD' });
    expect(d.body.attribution.touches.map((t: any) => t.partnerId)).toEqual([partner.id]);

    // Two pages of one (workerd's clock may give both leads the same millisecond: ties go by id).
    const first = await json('GET', `/v1/programs/${p.id}/customers?limit=1`);
    const next = await json('GET', `/v1/programs/${p.id}/customers?limit=1&cursor=${first.body.nextCursor}`);
    expect(next.body.nextCursor).toBeNull();
    const listed = [...first.body.data, ...next.body.data];
    expect(listed.map((c: any) => c.id).sort()).toEqual([c1, c2].sort());
    expect(listed.map((c: any) => [c.partnerId, c.partnerName])).toEqual([[partner.id, 'Jane Doe'], [partner.id, 'Jane Doe']]);
    expect((await json('GET', `/v1/programs/${p.id}/customers?externalId=w_2`)).body.data.map((c: any) => c.id)).toEqual([c2]);
    expect((await json('GET', `/v1/programs/${p.id}/customers?limit=0`)).status).toBe(422);

    const other = await program();
    expect((await json('GET', `/v1/programs/${other.program.id}/customers/${c1}`)).status).toBe(404);
  });
});
