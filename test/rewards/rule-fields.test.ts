import { describe, expect, it } from 'vitest';
import { expectApiError } from '../foundation/support';
import { addReward, leadByCode, sale, setup } from '../conversions/support';

describe('reward rule fields', () => {
  // metadata..plan and metadata.plan. have an empty key: readField finds nothing, so the
  // condition never matched (or, with neq, always did) — accepted until now.
  it('refuses a condition field with an empty metadata key; nested keys still work', async () => {
    const { t, program, partner } = await setup();
    const base = `/v1/programs/${program.id}/rewards`;
    for (const field of ['metadata.', 'metadata..plan', 'metadata.plan.', 'metadata.a..b', `metadata.${'k'.repeat(101)}`]) {
      const r = await t.json('POST', base, { event: 'sale', type: 'fixed', amount: 500, conditions: [{ field, op: 'eq', value: 'pro' }] });
      expectApiError(r, 422, 'validation_failed', 'conditions.0.field');
    }
    expect((await t.json('GET', base)).body.data).toEqual([]);

    const rule = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 500, conditions: [{ field: 'metadata.plan.tier', op: 'eq', value: 'pro' }, { field: `metadata.${'k'.repeat(100)}`, op: 'neq', value: 1 }] });
    await leadByCode(t, partner.code, 'cus_1');
    const paid = await sale(t, program.id, 'cus_1', 4900, { metadata: { plan: { tier: 'pro' } } });
    expect(paid.commissions.map((c: any) => [c.rewardId, c.amount])).toEqual([[rule.id, 500]]);
  });

  // The engine's largest products: 10^12 per unit × 10^6 units and 1000% of a 10^12 sale are far
  // above 2^53 or 10^12; each commission is limited to 10^12, exactly.
  it('the largest amount, percentage and quantity the API accepts pay at most 10^12, exactly', async () => {
    const { t, program, partner } = await setup();
    await addReward(t, program.id, { event: 'sale', type: 'per_unit', amount: 1_000_000_000_000 });
    await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 100_000 });
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1_000_000_000_000, caps: { perPartner: { amount: 1_000_000_000_000, period: 'lifetime' } } });
    expectApiError(await t.json('POST', `/v1/programs/${program.id}/rewards`, { event: 'sale', type: 'fixed', amount: 1_000_000_000_001 }), 422, 'validation_failed', 'amount');
    expectApiError(await t.json('POST', `/v1/programs/${program.id}/rewards`, { event: 'sale', type: 'fixed', amount: 1, caps: { perPartner: { amount: 1_000_000_000_001, period: 'year' } } }), 422, 'validation_failed', 'caps.perPartner.amount');
    await leadByCode(t, partner.code, 'cus_1');
    const s = await sale(t, program.id, 'cus_1', 1_000_000_000_000, { quantity: 1_000_000 });
    expect(s.commissions.map((c: any) => c.amount)).toEqual([1_000_000_000_000, 1_000_000_000_000, 1_000_000_000_000]);
    const again = await sale(t, program.id, 'cus_1', 1_000_000_000_000, { quantity: 1_000_000 });
    expect(again.commissions.map((c: any) => c.amount)).toEqual([1_000_000_000_000, 1_000_000_000_000]);
    expect(again.skipped.map((x: any) => x.reason)).toEqual(['cap_reached']);
  });

  // A lead has no amount: a percent lead rule skipped every lead with zero_amount.
  it('refuses a percent rule on leads, on create and when a PATCH makes one; percent on a sale pays', async () => {
    const { t, program } = await setup();
    const base = `/v1/programs/${program.id}/rewards`;
    const message = 'a lead has no amount, so a percent rule would never pay; use fixed for leads, percent for sales';
    const created = await t.json('POST', base, { event: 'lead', type: 'percent', amount: 1000 });
    expectApiError(created, 422, 'validation_failed', 'type');
    expect(created.body.error.message).toBe(`type: ${message}`);
    const fixedLead = await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 1000 });
    const percentSale = await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 1000 });
    expectApiError(await t.json('PATCH', `${base}/${fixedLead.id}`, { type: 'percent' }), 422, 'validation_failed', 'type');
    const toLead = await t.json('PATCH', `${base}/${percentSale.id}`, { event: 'lead' });
    expectApiError(toLead, 422, 'validation_failed', 'event');
    expect(toLead.body.error.message).toBe(`event: ${message}`);
    const stored = (await t.json('GET', base)).body.data;
    expect(stored.map((r: any) => [r.id, r.event, r.type, r.updatedAt]).sort()).toEqual(
      [
        [fixedLead.id, 'lead', 'fixed', fixedLead.updatedAt],
        [percentSale.id, 'sale', 'percent', percentSale.updatedAt],
      ].sort(),
    );
    // A custom event name may be a sale's (track/sale with eventName): percent is allowed there.
    await addReward(t, program.id, { event: 'subscription_renewed', type: 'percent', amount: 1000 });
  });
});
