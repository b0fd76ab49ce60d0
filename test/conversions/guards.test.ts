import { describe, expect, it } from 'vitest';
import { addReward, days, events, leadByCode, sale, setup, T0 } from './support';

describe('conversion guards', () => {
  it('an occurredAt more than 5 minutes ahead of the server clock is a 422 and writes nothing', async () => {
    const { t, program, partner } = await setup();
    const ahead = new Date(T0.getTime() + 5 * 60_000 + 1).toISOString();
    const r = await t.json('POST', '/v1/track/lead', { code: partner.code, customer: { externalId: 'c1' }, occurredAt: ahead });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'validation_failed', field: 'occurredAt', reason: 'occurred_in_future' });
    const skew = new Date(T0.getTime() + 5 * 60_000).toISOString();
    expect((await t.json('POST', '/v1/track/lead', { code: partner.code, customer: { externalId: 'c2' }, occurredAt: skew })).status).toBe(200);
    expect((await events(t, program.id)).map((e: { customerExternalId: string }) => e.customerExternalId)).toEqual(['c2']);
  });

  it('a sale that happened before the customer was referred earns nothing, even without a window', async () => {
    const { t, program, partner } = await setup();
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000 });
    t.setNow(days(10));
    await leadByCode(t, partner.code, 'c1');
    const before = await sale(t, program.id, 'c1', 5000, { occurredAt: days(9).toISOString() });
    expect(before.commissions).toEqual([]);
    // Not the partner's at all: no rule is evaluated (see backdated-attribution.test.ts).
    expect(before.event).toMatchObject({ status: 'unattributed', reason: 'outside_window', partnerId: null });
    expect(before.skipped).toEqual([]);
    const after = await sale(t, program.id, 'c1', 5000);
    expect(after.commissions.map((c: { amount: number }) => c.amount)).toEqual([1000]);
  });

  it('the code of an archived link no longer attributes', async () => {
    const { t, program, partner } = await setup();
    const link = await t.json('POST', `/v1/partners/${partner.id}/links`, { code: 'spring-sale' });
    await t.json('PATCH', `/v1/links/${link.body.id}`, { archived: true });
    const r = await t.json('POST', '/v1/track/lead', { code: 'spring-sale', programId: program.id, customer: { externalId: 'c1' } });
    expect(r.status).toBe(200);
    expect(r.body.event).toMatchObject({ status: 'unattributed', reason: 'unknown_code', partnerId: null });
  });
});
