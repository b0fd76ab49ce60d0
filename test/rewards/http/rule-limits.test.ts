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

  it('reads a currency code as a unit in any case and stores it upper-cased; other unit names keep their case', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    const base = `/v1/programs/${program.id}/rewards`;
    // "eur" is the program currency: a percent rule may pay in it (another unit is unit_mismatch).
    const pct = await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 1000, unit: 'eur' });
    const bonus = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 250, unit: 'Eur' });
    expect([pct.unit, bonus.unit]).toEqual(['EUR', 'EUR']);
    expect((await t.json('GET', `${base}/${pct.id}`)).body.unit).toBe('EUR');
    const patched = await t.json('PATCH', `${base}/${bonus.id}`, { unit: 'usd' });
    expect([patched.status, patched.body.unit]).toEqual([200, 'USD']);
    expect((await t.json('PATCH', `${base}/${pct.id}`, { unit: 'usd' })).body.error.reason).toBe('unit_mismatch');

    // Units that are not currency codes keep their case; non-ASCII never becomes a code ("ı" upper-cases to "I").
    expect((await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 100, unit: 'points' })).unit).toBe('points');
    expect((await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 5, unit: 'MB' })).unit).toBe('MB');
    const dotless = await t.json('POST', base, { event: 'sale', type: 'fixed', amount: 5, unit: '\u0131sk' });
    expect([dotless.status, dotless.body.error.message]).toEqual([422, 'unit: must be a currency code or a unit name such as MB or points']);

    // Paid as the stored units say: one EUR line, one USD line (the lead rules' MB and points beside), never an "eur".
    await leadByCode(t, partner.code, 'cus_1');
    const s = await sale(t, program.id, 'cus_1', 10_000);
    expect(s.commissions.map((c: any) => [c.unit, c.amount, c.rewardId]).sort()).toEqual([['EUR', 1000, pct.id], ['USD', 250, bonus.id]]);
    const bal = await t.json('GET', `/v1/partners/${partner.id}/balance`);
    expect(bal.body.balances.map((b: any) => [b.unit, b.pending, b.approved, b.paid])).toEqual([
      ['EUR', 0, 1000, 0],
      ['MB', 0, 5, 0],
      ['points', 0, 100, 0],
      ['USD', 0, 250, 0],
    ]);
  });
});
