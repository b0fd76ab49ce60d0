import { describe, expect, it } from 'vitest';
import { addReward, commissions, leadByCode, sale, setup } from '../../conversions/support';

// A rule's counters (tier counts, capped totals, per-customer counts) are keyed by the rule id, so
// a PATCH that turned a rule into another event, recipient or unit carried its history into a rule
// it never belonged to.
describe('PATCH of a rule that has counted conversions', () => {
  it('refuses to change event, recipient or unit (409 reward_in_use) and changes nothing', async () => {
    const { t, program, partner } = await setup();
    const base = `/v1/programs/${program.id}/rewards`;
    const rule = await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 1000, caps: { perCustomer: { count: 1 } } });
    const lead = await leadByCode(t, partner.code, 'cus_1');
    expect(lead.commissions.map((c: any) => [c.rewardId, c.amount])).toEqual([[rule.id, 1000]]);

    for (const patch of [{ event: 'sale' }, { recipient: 'customer' }, { unit: 'USD' }, { event: 'sale', amount: 2000 }]) {
      const r = await t.json('PATCH', `${base}/${rule.id}`, patch);
      expect(r.status, JSON.stringify(patch)).toBe(409);
      expect(r.body.error).toMatchObject({ code: 'conflict', reason: 'reward_in_use' });
    }
    const stored = (await t.json('GET', `${base}/${rule.id}`)).body;
    expect([stored.event, stored.recipient, stored.unit, stored.amount, stored.updatedAt]).toEqual(['lead', 'partner', 'EUR', 1000, rule.updatedAt]);

    // The same values, and other fields, can still be patched.
    const same = await t.json('PATCH', `${base}/${rule.id}`, { event: 'lead', recipient: 'partner', unit: 'EUR', amount: 1500, active: false });
    expect(same.status, JSON.stringify(same.body)).toBe(200);
    expect([same.body.event, same.body.amount, same.body.active]).toEqual(['lead', 1500, false]);

    // The way to pay for another event: a new rule, which pays the customer that already earned the old one.
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 2000, caps: { perCustomer: { count: 1 } } });
    const s = await sale(t, program.id, 'cus_1', 4900);
    expect(s.commissions.map((c: any) => c.amount)).toEqual([2000]);
    expect((await commissions(t, program.id)).map((c: any) => c.amount).sort()).toEqual([1000, 2000]);
  });

  it('a rule that has counted nothing yet may still change its event, recipient and unit', async () => {
    const { t, program, partner } = await setup();
    const rule = await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 1000, caps: { perCustomer: { count: 1 } } });
    const r = await t.json('PATCH', `/v1/programs/${program.id}/rewards/${rule.id}`, { event: 'sale', recipient: 'customer', unit: 'points' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect([r.body.event, r.body.recipient, r.body.unit]).toEqual(['sale', 'customer', 'points']);
    await leadByCode(t, partner.code, 'cus_1');
    const s = await sale(t, program.id, 'cus_1', 4900);
    expect(s.commissions.map((c: any) => [c.recipient, c.amount, c.unit])).toEqual([['customer', 1000, 'points']]);
  });
});
