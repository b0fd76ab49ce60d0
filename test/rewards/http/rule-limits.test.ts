import { describe, expect, it } from 'vitest';
import { addReward, commissions, leadByCode, sale, setup } from '../../conversions/support';

// Limits that hold for the whole stored rule, whether it was created so or PATCHed into it.
describe('reward rule limits', () => {
  it('refuses a percent above 100000 bps in amount or in any tier, on create and on PATCH, and stores nothing', async () => {
    const { t, program } = await setup();
    const base = `/v1/programs/${program.id}/rewards`;
    const tier = await t.json('POST', base, { event: 'sale', type: 'percent', tiers: [{ upTo: 5, amount: 2000 }, { amount: 1_000_000_000 }] });
    expect(tier.status).toBe(422);
    expect(tier.body.error.code).toBe('validation_failed');
    expect(tier.body.error.message).toBe('tiers.1.amount: percent is in basis points (10000 = 100%), at most 100000');

    const fixed = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 500_000 });
    // A fixed €5,000 patched to percent would read as 5000%.
    const toPercent = await t.json('PATCH', `${base}/${fixed.id}`, { type: 'percent' });
    expect(toPercent.status).toBe(422);
    expect(toPercent.body.error.message).toBe('amount: percent is in basis points (10000 = 100%), at most 100000');
    const huge = await t.json('PATCH', `${base}/${fixed.id}`, { type: 'percent', amount: 1_000_000_000_000 });
    expect(huge.status).toBe(422);
    const stored = await t.json('GET', `${base}/${fixed.id}`);
    expect([stored.body.type, stored.body.amount]).toEqual(['fixed', 500_000]);
    expect((await t.json('GET', base)).body.data.map((r: any) => r.id)).toEqual([fixed.id]);

    // At the limit it is accepted: 1000% of 1000 is 10000.
    const ok = await t.json('PATCH', `${base}/${fixed.id}`, { type: 'percent', amount: 100_000 });
    expect(ok.status).toBe(200);
  });

  it('pays a tiered percent within the limit as its tiers say', async () => {
    const { t, program, partner } = await setup();
    await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 0, tiers: [{ upTo: 1, amount: 1000 }, { amount: 2000 }] });
    await leadByCode(t, partner.code, 'cus_1');
    expect((await sale(t, program.id, 'cus_1', 4900)).commissions.map((c: any) => c.amount)).toEqual([490]);
    expect((await sale(t, program.id, 'cus_1', 4900)).commissions.map((c: any) => c.amount)).toEqual([980]);
    expect((await commissions(t, program.id)).length).toBe(2);
  });

  it('refuses a currency code written in lower case as a unit (it would be a separate non-cash unit)', async () => {
    const { t, program } = await setup();
    const r = await t.json('POST', `/v1/programs/${program.id}/rewards`, { event: 'sale', type: 'fixed', amount: 1234, unit: 'eur' });
    expect(r.status).toBe(422);
    expect(r.body.error.message).toBe('unit: write currency codes in upper case (e.g. EUR)');
    expect((await t.json('GET', `/v1/programs/${program.id}/rewards`)).body.data).toEqual([]);
    // Units that are not currency codes keep their case.
    expect((await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 100, unit: 'points' })).unit).toBe('points');
    expect((await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 5, unit: 'MB' })).unit).toBe('MB');
  });
});
