import { describe, expect, it } from 'vitest';
import { addReward, leadByCode, sale, setup } from '../../conversions/support';

// A condition whose value cannot match its op (a number sent as a string to gte, one value to in, a
// list to eq) used to be stored as is: the rule then never paid (or, with neq, always did).
describe('reward conditions: the value fits the op', () => {
  it('refuses gte/lte without a number, in without a list, eq/neq with a list, on create and on PATCH', async () => {
    const { t, program } = await setup();
    const base = `/v1/programs/${program.id}/rewards`;
    const bad: [Record<string, unknown>, string][] = [
      [{ field: 'amount', op: 'gte', value: '5000' }, 'conditions.0.value: gte and lte compare numbers; send a number (5000, not "5000")'],
      [{ field: 'metadata.seats', op: 'lte', value: true }, 'conditions.0.value: gte and lte compare numbers; send a number (5000, not "5000")'],
      [{ field: 'metadata.seats', op: 'lte', value: [5] }, 'conditions.0.value: gte and lte compare numbers; send a number (5000, not "5000")'],
      [{ field: 'metadata.plan', op: 'in', value: 'pro' }, 'conditions.0.value: in takes a list of values (["pro", "plus"])'],
      [{ field: 'metadata.plan', op: 'eq', value: ['pro'] }, 'conditions.0.value: eq and neq take one value; use in for a list'],
      [{ field: 'metadata.plan', op: 'neq', value: ['free'] }, 'conditions.0.value: eq and neq take one value; use in for a list'],
    ];
    for (const [condition, message] of bad) {
      const r = await t.json('POST', base, { event: 'sale', type: 'fixed', amount: 100, conditions: [condition] });
      expect(r.status, JSON.stringify(condition)).toBe(422);
      expect(r.body.error.message).toBe(message);
    }
    expect((await t.json('GET', base)).body.data).toEqual([]);

    const rule = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 100, conditions: [{ field: 'amount', op: 'gte', value: 5000 }] });
    const patched = await t.json('PATCH', `${base}/${rule.id}`, { conditions: [{ field: 'amount', op: 'gte', value: 1000 }, { field: 'metadata.plan', op: 'in', value: 'pro' }] });
    expect(patched.status).toBe(422);
    expect(patched.body.error.message).toBe('conditions.1.value: in takes a list of values (["pro", "plus"])');
    expect((await t.json('GET', `${base}/${rule.id}`)).body.conditions).toEqual([{ field: 'amount', op: 'gte', value: 5000 }]);
  });

  it('accepted conditions compare by type: 5 is not "5", a missing key fails eq and passes neq', async () => {
    const { t, program, partner } = await setup();
    await leadByCode(t, partner.code, 'cus_1');
    const seats = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1, conditions: [{ field: 'metadata.seats', op: 'gte', value: 5 }] });
    const plan = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 20, conditions: [{ field: 'metadata.plan.tier', op: 'in', value: ['gold', 3] }] });
    const notFree = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 300, conditions: [{ field: 'metadata.kind', op: 'neq', value: 'free' }] });
    const paid = async (metadata: Record<string, unknown>) =>
      Object.fromEntries((await sale(t, program.id, 'cus_1', 5000, { metadata })).commissions.map((c: any) => [c.rewardId, c.amount]));
    expect(await paid({ seats: 5, plan: { tier: 3 } })).toEqual({ [seats.id]: 1, [plan.id]: 20, [notFree.id]: 300 });
    expect(await paid({ seats: '5', plan: { tier: '3' }, kind: 'free' })).toEqual({});
    expect(await paid({ 'plan.tier': 'gold' })).toEqual({ [notFree.id]: 300 });
  });
});
