import { describe, expect, it } from 'vitest';
import { addReward, balance, commissions, days, events, leadByCode, refund, sale, setup, T0 } from './support';

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

describe('a refund dated before its sale', () => {
  it('is a 422 occurred_before_sale that writes nothing; at the sale’s own instant it is fine', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 1000 });
    await leadByCode(t, partner.code, 'c1');
    t.setNow(days(10));
    const saleAt = days(5);
    await sale(t, program.id, 'c1', 5000, { externalId: 'ord_before', occurredAt: saleAt.toISOString() });
    const early = new Date(saleAt.getTime() - 1).toISOString();
    const r = await t.json('POST', '/v1/track/refund', { programId: program.id, saleExternalId: 'ord_before', externalId: 're_1', amount: 1000, occurredAt: early });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'validation_failed', field: 'occurredAt', reason: 'occurred_before_sale' });
    expect(r.body.error.message).toBe(`occurredAt: must not be before the sale it refunds (${saleAt.toISOString()})`);
    expect((await events(t, program.id)).map((e: any) => e.type)).toEqual(['sale', 'lead']);
    expect((await commissions(t, program.id)).map((c: any) => [c.kind, c.amount])).toEqual([['commission', 500]]);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 500, paid: 0 });

    // Nothing was counted: the same refund id dated at the sale refunds the whole sale.
    const ok = await t.json('POST', '/v1/track/refund', { programId: program.id, saleExternalId: 'ord_before', externalId: 're_1', occurredAt: saleAt.toISOString() });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.event).toMatchObject({ type: 'refund', amount: 5000, occurredAt: saleAt.toISOString() });
    expect(ok.body.commissions.map((c: any) => [c.kind, c.amount])).toEqual([['reversal', -500]]);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 0, paid: 0 });
  });

  it('without occurredAt a refund of a sale dated a little ahead (caller clock skew) is dated at the sale', async () => {
    const { t, program } = await setup();
    const ahead = new Date(T0.getTime() + 3 * 60_000).toISOString();
    await sale(t, program.id, 'c1', 5000, { externalId: 'ord_ahead', occurredAt: ahead });
    const r = await refund(t, program.id, 'ord_ahead', 're_1', 2000);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.event).toMatchObject({ type: 'refund', amount: 2000, occurredAt: ahead });
    // Sent explicitly, "now" is before that sale: refused.
    const explicit = await t.json('POST', '/v1/track/refund', { programId: program.id, saleExternalId: 'ord_ahead', externalId: 're_2', amount: 1000, occurredAt: T0.toISOString() });
    expect(explicit.status).toBe(422);
    expect(explicit.body.error.reason).toBe('occurred_before_sale');
  });
});
