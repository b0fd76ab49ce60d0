import { describe, expect, it } from 'vitest';
import { addReward, commissions, days, leadByCode, sale, setup, T0 } from '../../conversions/support';

// A rule has no start unless given one: it applies to every conversion recorded while it is
// active, whatever its occurredAt (a sale reported late or backfilled after the rule was made).
// `startsAt` restricts it by occurredAt; conversions recorded before the rule existed stay as booked.
describe('when a reward rule starts', () => {
  it('without startsAt, a rule created today pays a sale reported today that occurred yesterday', async () => {
    const { t, program, partner } = await setup();
    await leadByCode(t, partner.code, 'c1', { occurredAt: days(-3).toISOString() });
    const rule = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000 });
    expect([rule.startsAt, rule.endsAt, rule.createdAt]).toEqual([null, null, T0.toISOString()]);
    const s = await sale(t, program.id, 'c1', 5000, { occurredAt: days(-1).toISOString() });
    expect(s.commissions.map((c: any) => [c.rewardId, c.amount])).toEqual([[rule.id, 1000]]);
  });

  it('with startsAt, an earlier occurredAt is skipped not_started, and exactly startsAt pays', async () => {
    const { t, program, partner } = await setup();
    await leadByCode(t, partner.code, 'c1', { occurredAt: days(-3).toISOString() });
    const rule = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000, startsAt: T0.toISOString() });
    expect(rule.startsAt).toBe(T0.toISOString());
    const early = await sale(t, program.id, 'c1', 5000, { occurredAt: new Date(T0.getTime() - 1).toISOString() });
    expect([early.event.status, early.commissions, early.skipped.map((x: any) => [x.rewardId, x.reason])]).toEqual(['attributed', [], [[rule.id, 'not_started']]]);
    const onTime = await sale(t, program.id, 'c1', 5000, { occurredAt: T0.toISOString() });
    expect(onTime.commissions.map((c: any) => c.amount)).toEqual([1000]);
  });

  it('a sale recorded before the rule existed is not paid afterwards', async () => {
    const { t, program, partner } = await setup();
    await leadByCode(t, partner.code, 'c1');
    const before = await sale(t, program.id, 'c1', 5000);
    expect([before.commissions, before.skipped]).toEqual([[], []]);
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000 });
    t.advance(1000);
    await sale(t, program.id, 'c1', 5000);
    expect((await commissions(t, program.id)).map((c: any) => c.amount)).toEqual([1000]);
  });
});
