import { describe, expect, it } from 'vitest';
import { expectApiError, rawClient } from '../../foundation/support';
import { addReward, leadByCode, sale, setup } from '../../conversions/support';

const TIERS = [{ upTo: 1, amount: 1000 }, { amount: 2500 }];
const MESSAGE = (sent: number) =>
  `amount: a rule with tiers pays the tier amounts; leave amount out or send 0 (${sent} was sent), or send "tiers":null to pay amount`;

// A tiered rule with a top-level amount read as two rates, one of them never paid.
describe('a tiered rule has no amount of its own', () => {
  it('create: amount beside tiers is 422 on amount and writes nothing; left out or 0 is stored as 0', async () => {
    const { t, program } = await setup();
    const base = `/v1/programs/${program.id}/rewards`;
    for (const type of ['fixed', 'per_unit', 'percent']) {
      const r = await t.json('POST', base, { event: 'sale', type, amount: 1000, tiers: TIERS });
      expectApiError(r, 422, 'validation_failed', 'amount');
      expect(r.body.error.message).toBe(MESSAGE(1000));
    }
    expect((await t.json('GET', base)).body.data).toEqual([]);

    const omitted = await addReward(t, program.id, { event: 'sale', type: 'fixed', tiers: TIERS });
    const zero = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 0, tiers: TIERS });
    expect([omitted.amount, omitted.tiers, zero.amount, zero.tiers]).toEqual([0, TIERS, 0, TIERS]);
  });

  it('create: without tiers amount is required', async () => {
    const { t, program } = await setup();
    for (const body of [{ event: 'sale', type: 'fixed' }, { event: 'sale', type: 'fixed', tiers: null }]) {
      const r = await t.json('POST', `/v1/programs/${program.id}/rewards`, body);
      expectApiError(r, 422, 'validation_failed', 'amount');
      expect(r.body.error.message).toBe('amount: required (minor units, or basis points for percent), unless tiers are sent');
    }
  });

  it('PATCH: an amount onto a tiered rule, or tiers with an amount, is 422 and changes nothing; 0 is accepted', async () => {
    const { t, program } = await setup();
    const base = `/v1/programs/${program.id}/rewards`;
    const tiered = await addReward(t, program.id, { event: 'sale', type: 'fixed', tiers: TIERS });
    const plain = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 500 });

    const onTiered = await t.json('PATCH', `${base}/${tiered.id}`, { amount: 700 });
    expectApiError(onTiered, 422, 'validation_failed', 'amount');
    expect(onTiered.body.error.message).toBe(MESSAGE(700));
    const both = await t.json('PATCH', `${base}/${plain.id}`, { amount: 500, tiers: TIERS });
    expectApiError(both, 422, 'validation_failed', 'amount');
    expect(both.body.error.message).toBe(MESSAGE(500));
    const stored = (await t.json('GET', base)).body.data.map((r: any) => [r.id, r.amount, r.tiers, r.updatedAt]);
    // Both created at the test clock's instant: listed in id order, so compare as a set.
    expect(stored).toHaveLength(2);
    expect(stored).toEqual(expect.arrayContaining([
      [tiered.id, 0, TIERS, tiered.updatedAt],
      [plain.id, 500, null, plain.updatedAt],
    ]));

    const zero = await t.json('PATCH', `${base}/${tiered.id}`, { amount: 0, holdDays: 3 });
    expect([zero.status, zero.body.amount, zero.body.tiers, zero.body.holdDays]).toEqual([200, 0, TIERS, 3]);
  });

  it('PATCH: tiers without an amount replace the stored amount (0); removing them needs an amount again', async () => {
    const { t, program } = await setup();
    const base = `/v1/programs/${program.id}/rewards`;
    const plain = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 500 });
    const tiered = await t.json('PATCH', `${base}/${plain.id}`, { tiers: TIERS });
    expect([tiered.status, tiered.body.amount, tiered.body.tiers]).toEqual([200, 0, TIERS]);
    expectApiError(await t.json('PATCH', `${base}/${plain.id}`, { tiers: null }), 422, 'validation_failed', 'amount');
    const back = await t.json('PATCH', `${base}/${plain.id}`, { tiers: null, amount: 500 });
    expect([back.status, back.body.amount, back.body.tiers]).toEqual([200, 500, null]);
  });

  it('a rule stored with both before this check still pays its tiers and takes PATCHes that leave amount and tiers alone', async () => {
    const { t, program, partner } = await setup();
    const base = `/v1/programs/${program.id}/rewards`;
    const rule = await addReward(t, program.id, { event: 'sale', type: 'fixed', tiers: TIERS });
    await rawClient(t).execute({ sql: 'update rewards set amount = 9999 where id = ?', args: [rule.id] });

    const patched = await t.json('PATCH', `${base}/${rule.id}`, { holdDays: 0 });
    expect([patched.status, patched.body.amount, patched.body.tiers, patched.body.holdDays]).toEqual([200, 9999, TIERS, 0]);
    await leadByCode(t, partner.code, 'cus_1');
    const first = await sale(t, program.id, 'cus_1', 10000);
    const second = await sale(t, program.id, 'cus_1', 10000);
    expect([...first.commissions, ...second.commissions].map((c: any) => [c.amount, c.explanation, c.explanationFormatted])).toEqual([
      [1000, 'tier 1 (after 0 qualifying sales): 1000', 'tier 1 (after 0 qualifying sales): €10.00'],
      [2500, 'tier 2 (after 1 qualifying sale): 2500', 'tier 2 (after 1 qualifying sale): €25.00'],
    ]);
    // Sending tiers again clears the stale amount.
    const retiered = await t.json('PATCH', `${base}/${rule.id}`, { tiers: TIERS });
    expect([retiered.status, retiered.body.amount]).toEqual([200, 0]);
  });
});
