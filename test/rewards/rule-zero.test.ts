import { describe, expect, it } from 'vitest';
import { expectApiError } from '../foundation/support';
import { addReward, leadByCode, sale, setup } from '../conversions/support';

const PAUSE = 'to stop paying, set the rule inactive ({"active":false})';

// A rule of 0 (amount, every tier or the partner cap) was accepted and never paid: every
// conversion skipped it with zero_amount or cap_reached. The way to pause a rule is active:false.
describe('reward rules that could never pay', () => {
  it('refuses 0 where it makes the rule meaningless (0 refused, 1 accepted), on create, for either recipient', async () => {
    const { t, program } = await setup();
    const base = `/v1/programs/${program.id}/rewards`;
    const refused: [Record<string, unknown>, string, string][] = [
      [{ type: 'fixed', amount: 0 }, 'amount', `amount: must be at least 1 (a rule of 0 never pays); ${PAUSE}`],
      [{ type: 'fixed', amount: 0, recipient: 'customer' }, 'amount', `amount: must be at least 1 (a rule of 0 never pays); ${PAUSE}`],
      [{ type: 'percent', amount: 0 }, 'amount', `amount: must be at least 1 (a rule of 0 never pays); ${PAUSE}`],
      [{ type: 'per_unit', amount: 0 }, 'amount', `amount: must be at least 1 (a rule of 0 never pays); ${PAUSE}`],
      [{ type: 'fixed', amount: 0, tiers: [{ upTo: 2, amount: 0 }, { amount: 0 }] }, 'tiers', `tiers: one tier at least must pay more than 0; ${PAUSE}`],
      [{ type: 'fixed', amount: 500, caps: { perPartner: { amount: 0, period: 'year' } } }, 'caps.perPartner.amount', `caps.perPartner.amount: must be at least 1; ${PAUSE}`],
      [{ type: 'fixed', amount: 500, caps: { perPartner: { amount: -1, period: 'year' } } }, 'caps.perPartner.amount', `caps.perPartner.amount: must be at least 1; ${PAUSE}`],
      [{ type: 'fixed', amount: -1 }, 'amount', ''],
      [{ type: 'fixed', amount: 0, tiers: [{ amount: -5 }] }, 'tiers.0.amount', ''],
      [{ type: 'fixed', amount: 500, caps: { perCustomer: { count: 0 } } }, 'caps.perCustomer.count', ''],
      [{ type: 'fixed', amount: 500, windowDays: 0 }, 'windowDays', 'windowDays: must be at least 1 day; send null (or leave it out) for no window'],
      [{ type: 'fixed', amount: 500, conditions: [{ field: 'metadata.plan', op: 'in', value: [] }] }, 'conditions.0.value', 'conditions.0.value: in takes a list of at least one value (an empty list never matches)'],
    ];
    for (const [rule, field, message] of refused) {
      const r = await t.json('POST', base, { event: 'sale', ...rule });
      expectApiError(r, 422, 'validation_failed', field);
      if (message) expect(r.body.error.message, JSON.stringify(rule)).toBe(message);
    }
    expect((await t.json('GET', base)).body.data).toEqual([]);

    // 1 is accepted everywhere; with tiers the amount is not used and may be 0, and a 0 tier is a threshold.
    for (const rule of [
      { type: 'fixed', amount: 1 },
      { type: 'fixed', amount: 1, recipient: 'customer' },
      { type: 'percent', amount: 1 },
      { type: 'per_unit', amount: 1 },
      { type: 'fixed', amount: 0, tiers: [{ upTo: 2, amount: 0 }, { amount: 1 }] },
      { type: 'fixed', amount: 500, caps: { perPartner: { amount: 1, period: 'year' }, perCustomer: { count: 1 } } },
      { type: 'fixed', amount: 500, windowDays: 1, holdDays: 0 },
      { type: 'fixed', amount: 500, conditions: [{ field: 'metadata.plan', op: 'in', value: ['pro'] }] },
    ]) {
      await addReward(t, program.id, { event: 'sale', ...rule });
    }
    expect((await t.json('GET', base)).body.data).toHaveLength(8);
  });

  it('a 0 tier is a threshold: nothing for the first 2 referrals, then 1000', async () => {
    const { t, program, partner } = await setup();
    const rule = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 0, tiers: [{ upTo: 2, amount: 0 }, { amount: 1000 }], caps: { perCustomer: { count: 1 } } });
    const paid: number[] = [];
    for (let i = 1; i <= 3; i++) {
      await leadByCode(t, partner.code, `cus_${i}`);
      const s = await sale(t, program.id, `cus_${i}`, 4900);
      paid.push(s.commissions.reduce((n: number, c: any) => n + c.amount, 0));
      if (i < 3) expect(s.skipped.map((x: any) => [x.rewardId, x.reason])).toEqual([[rule.id, 'zero_amount']]);
    }
    expect(paid).toEqual([0, 0, 1000]);
  });

  it('checks the result of a PATCH: 0 amount, removing the tiers of a 0-amount rule, a 0 cap are refused and change nothing', async () => {
    const { t, program } = await setup();
    const base = `/v1/programs/${program.id}/rewards`;
    const plain = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 500, caps: { perPartner: { amount: 5000, period: 'year' } } });
    const tiered = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 0, tiers: [{ upTo: 2, amount: 100 }, { amount: 200 }] });

    const cases: [string, Record<string, unknown>, string][] = [
      [plain.id, { amount: 0 }, 'amount'],
      [plain.id, { caps: { perPartner: { amount: 0, period: 'year' } } }, 'caps.perPartner.amount'],
      [tiered.id, { tiers: null }, 'amount'],
      [tiered.id, { tiers: [{ amount: 0 }] }, 'tiers'],
      [plain.id, { windowDays: 0 }, 'windowDays'],
    ];
    for (const [id, patch, field] of cases) expectApiError(await t.json('PATCH', `${base}/${id}`, patch), 422, 'validation_failed', field);
    const stored = (await t.json('GET', base)).body.data;
    expect(stored.map((r: any) => [r.id, r.amount, r.tiers, r.caps, r.windowDays, r.updatedAt]).sort()).toEqual(
      [
        [plain.id, 500, null, { perPartner: { amount: 5000, period: 'year' } }, null, plain.updatedAt],
        [tiered.id, 0, [{ upTo: 2, amount: 100 }, { amount: 200 }], null, null, tiered.updatedAt],
      ].sort(),
    );

    // Removing the tiers together with a real amount is fine, and so is pausing.
    const untiered = await t.json('PATCH', `${base}/${tiered.id}`, { tiers: null, amount: 300 });
    expect([untiered.status, untiered.body.amount, untiered.body.tiers]).toEqual([200, 300, null]);
    const paused = await t.json('PATCH', `${base}/${plain.id}`, { active: false });
    expect([paused.status, paused.body.active]).toEqual([200, false]);
  });
});
