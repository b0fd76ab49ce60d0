import { describe, expect, it } from 'vitest';
import { addReward, commissions, leadByCode, sale, setup } from '../../conversions/support';

// Tier counts and capped totals are kept per period key (lifetime, y2026, m2026-03): a PATCH of
// the period on a rule that has counted conversions restarted them (a partner back at tier 1, a
// reached cap open again). Such a PATCH is a 409 reward_in_use; a new rule is the way.
describe('PATCH of a counted rule’s tierPeriod or cap period', () => {
  it('refuses tierPeriod once the rule has counted (the 3rd sale still pays tier 2), allows it before', async () => {
    const { t, program, partner } = await setup();
    const base = `/v1/programs/${program.id}/rewards`;
    const rule = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 0, tiers: [{ upTo: 2, amount: 1000 }, { amount: 2500 }] });
    const unused = await addReward(t, program.id, { event: 'demo_requested', type: 'fixed', tiers: [{ upTo: 1, amount: 100 }, { amount: 200 }] });
    await leadByCode(t, partner.code, 'c1');
    expect((await sale(t, program.id, 'c1', 5000)).commissions.map((c: any) => c.amount)).toEqual([1000]);
    expect((await sale(t, program.id, 'c1', 5000)).commissions.map((c: any) => c.amount)).toEqual([1000]);

    for (const tierPeriod of ['month', 'year']) {
      const r = await t.json('PATCH', `${base}/${rule.id}`, { tierPeriod, holdDays: 5 });
      expect(r.status, JSON.stringify(r.body)).toBe(409);
      expect(r.body.error).toMatchObject({ code: 'conflict', reason: 'reward_in_use' });
      expect(r.body.error.message).toBe(
        'tierPeriod cannot change once the rule has counted conversions (its tiers, caps and per-customer limits would carry over); add a new rule and set this one inactive',
      );
    }
    const stored = (await t.json('GET', `${base}/${rule.id}`)).body;
    expect([stored.tierPeriod, stored.holdDays, stored.updatedAt]).toEqual(['lifetime', null, rule.updatedAt]);
    // The same period is no change.
    expect((await t.json('PATCH', `${base}/${rule.id}`, { tierPeriod: 'lifetime' })).status).toBe(200);

    expect((await sale(t, program.id, 'c1', 5000)).commissions.map((c: any) => c.amount)).toEqual([2500]);
    expect((await commissions(t, program.id)).map((c: any) => c.amount)).toEqual([2500, 1000, 1000]);

    const free = await t.json('PATCH', `${base}/${unused.id}`, { tierPeriod: 'month' });
    expect([free.status, free.body.tierPeriod]).toEqual([200, 'month']);
  });

  it('refuses a change of the partner cap’s period (adding or removing it included); its amount may change', async () => {
    const { t, program, partner } = await setup();
    const base = `/v1/programs/${program.id}/rewards`;
    const rule = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000, caps: { perPartner: { amount: 1500, period: 'year' } } });
    await leadByCode(t, partner.code, 'c1');
    expect((await sale(t, program.id, 'c1', 5000)).commissions.map((c: any) => c.amount)).toEqual([1000]);
    expect((await sale(t, program.id, 'c1', 5000)).commissions.map((c: any) => c.amount)).toEqual([500]);

    for (const caps of [{ perPartner: { amount: 1500, period: 'lifetime' } }, { perPartner: null }, null, { perCustomer: { count: 5 } }]) {
      const r = await t.json('PATCH', `${base}/${rule.id}`, { caps });
      expect(r.status, JSON.stringify(caps)).toBe(409);
      expect(r.body.error).toMatchObject({ code: 'conflict', reason: 'reward_in_use' });
      expect(r.body.error.message).toMatch(/^caps\.perPartner\.period cannot change once the rule has counted conversions/);
    }
    expect((await t.json('GET', `${base}/${rule.id}`)).body.caps).toEqual({ perPartner: { amount: 1500, period: 'year' } });
    const third = await sale(t, program.id, 'c1', 5000);
    expect([third.commissions, third.skipped.map((x: any) => x.reason)]).toEqual([[], ['cap_reached']]);

    // Raising the amount keeps the year's total: 500 more room.
    const raised = await t.json('PATCH', `${base}/${rule.id}`, { caps: { perPartner: { amount: 2000, period: 'year' } } });
    expect(raised.status, JSON.stringify(raised.body)).toBe(200);
    expect((await sale(t, program.id, 'c1', 5000)).commissions.map((c: any) => c.amount)).toEqual([500]);
    expect((await commissions(t, program.id)).reduce((n: number, c: any) => n + c.amount, 0)).toBe(2000);

    // A rule without a cap that counted a conversion cannot get one (the year's earnings were not totalled).
    const open = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 100 });
    await sale(t, program.id, 'c1', 5000);
    const capped = await t.json('PATCH', `${base}/${open.id}`, { caps: { perPartner: { amount: 150, period: 'year' } } });
    expect(capped.status).toBe(409);
  });
});
