import { describe, expect, it } from 'vitest';
import { expectApiError, rawRows } from '../foundation/support';
import { addPartner, addReward, balance, commissions, customEvent, days, events, leadByCode, sale, setup, T0 } from './support';

const at = (iso: string) => ({ occurredAt: iso });

describe('calendar periods at UTC year and month boundaries', () => {
  it('a yearly cap and a monthly tier period restart at 00:00:00.000 UTC on Jan 1, not at 23:59:59.999 on Dec 31', async () => {
    const { t, program, partner } = await setup();
    await leadByCode(t, partner.code, 'cus_1');
    const capped = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000, caps: { perPartner: { amount: 1500, period: 'year' } } });
    const tiered = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 0, tierPeriod: 'month', tiers: [{ upTo: 1, amount: 100 }, { amount: 200 }] });
    t.setNow(new Date('2027-01-02T00:00:00.000Z'));
    const paid = async (iso: string) =>
      Object.fromEntries((await sale(t, program.id, 'cus_1', 5000, at(iso))).commissions.map((c: any) => [c.rewardId, c.amount]));
    expect(await paid('2026-12-30T10:00:00.000Z')).toEqual({ [capped.id]: 1000, [tiered.id]: 100 });
    expect(await paid('2026-12-31T23:59:59.999Z')).toEqual({ [capped.id]: 500, [tiered.id]: 200 });
    expect(await paid('2027-01-01T00:00:00.000Z')).toEqual({ [capped.id]: 1000, [tiered.id]: 100 });
    // An offset is converted to UTC: 2026-12-31T23:30-01:00 is 2027-01-01T00:30Z.
    expect(await paid('2026-12-31T23:30:00.000-01:00')).toEqual({ [capped.id]: 500, [tiered.id]: 200 });
    // Late December sale after the January ones: still December's (and 2026's, which is full).
    const late = await sale(t, program.id, 'cus_1', 5000, at('2026-12-31T12:00:00.000Z'));
    expect(late.commissions.map((c: any) => [c.rewardId, c.amount])).toEqual([[tiered.id, 200]]);
    expect(late.skipped.map((s: any) => [s.rewardId, s.reason])).toEqual([[capped.id, 'cap_reached']]);
  });
});

describe('rule dates and windows', () => {
  it('startsAt is inclusive and endsAt exclusive', async () => {
    const { t, program, partner } = await setup();
    await leadByCode(t, partner.code, 'cus_1');
    const r = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000, startsAt: days(1).toISOString(), endsAt: days(2).toISOString() });
    t.setNow(days(3));
    const res = async (d: Date) => {
      const s = await sale(t, program.id, 'cus_1', 5000, at(d.toISOString()));
      return [s.commissions.map((c: any) => c.amount), s.skipped.map((x: any) => x.reason)];
    };
    expect(await res(new Date(days(1).getTime() - 1))).toEqual([[], ['not_started']]);
    expect(await res(days(1))).toEqual([[1000], []]);
    expect(await res(new Date(days(2).getTime() - 1))).toEqual([[1000], []]);
    expect(await res(days(2))).toEqual([[], ['ended']]);
    expect(r.id).toMatch(/^rwd_|^rew_|./);
  });

  it('windowDays counts from the attribution: a sale exactly windowDays later earns, 1 ms later does not; a sale before the attribution does not', async () => {
    const { t, program, partner } = await setup();
    t.setNow(days(1));
    await leadByCode(t, partner.code, 'cus_1');
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000, windowDays: 15 });
    t.setNow(days(20));
    const res = async (d: Date) => {
      const s = await sale(t, program.id, 'cus_1', 5000, at(d.toISOString()));
      return [s.event.status, s.commissions.map((c: any) => c.amount), s.skipped.map((x: any) => x.reason)];
    };
    expect(await res(days(16))).toEqual(['attributed', [1000], []]);
    expect(await res(new Date(days(16).getTime() + 1))).toEqual(['attributed', [], ['outside_window']]);
    // Before the referral the sale is not the partner's at all (the event says so; no rule runs).
    expect(await res(new Date(days(1).getTime() - 1))).toEqual(['unattributed', [], []]);
  });

  it('a rule holdDays overrides the program hold, 0 included; without one the program hold applies', async () => {
    const { t, program, partner } = await setup({ holdDays: 30 });
    await leadByCode(t, partner.code, 'cus_1');
    const own = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 100, holdDays: 7 });
    const zero = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 200, holdDays: 0 });
    const prog = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 300 });
    const s = await sale(t, program.id, 'cus_1', 5000);
    expect(Object.fromEntries(s.commissions.map((c: any) => [c.rewardId, [c.status, c.holdUntil]]))).toEqual({
      [own.id]: ['pending', days(7).toISOString()],
      [zero.id]: ['approved', T0.toISOString()],
      [prog.id]: ['pending', days(30).toISOString()],
    });
    expect(await balance(t, partner.id)).toEqual({ pending: 400, approved: 200, paid: 0 });
  });
});

describe('conditions on metadata', () => {
  it('numbers vs strings, missing and nested keys, in with mixed types', async () => {
    const { t, program, partner } = await setup();
    await leadByCode(t, partner.code, 'cus_1');
    const num = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1, conditions: [{ field: 'metadata.seats', op: 'gte', value: 5 }] });
    const str = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 2, conditions: [{ field: 'metadata.plan', op: 'eq', value: 'pro' }] });
    const nested = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 4, conditions: [{ field: 'metadata.plan_info.tier', op: 'in', value: ['gold', 3] }] });
    const neq = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 8, conditions: [{ field: 'metadata.plan', op: 'neq', value: 'free' }] });
    const amt = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 16, conditions: [{ field: 'amount', op: 'gte', value: 5000 }] });
    const ids = async (metadata: unknown, amount = 5000) =>
      (await sale(t, program.id, 'cus_1', amount, metadata === undefined ? {} : { metadata })).commissions.map((c: any) => c.amount).reduce((a: number, b: number) => a + b, 0);
    expect(await ids({ seats: 5, plan: 'pro', plan_info: { tier: 'gold' } })).toBe(1 + 2 + 4 + 8 + 16);
    expect(await ids({ seats: '5', plan: 'PRO', plan_info: { tier: '3' } })).toBe(8 + 16);
    expect(await ids({ plan_info: { tier: 3 } }, 4999)).toBe(4 + 8);
    expect(await ids(undefined)).toBe(8 + 16);
    expect(await ids({ plan: 'free', 'plan_info.tier': 'gold' })).toBe(16);
    void num; void str; void nested; void neq; void amt;
  });
});

describe('amounts', () => {
  it('per_unit multiplies by quantity; percent is of the amount, not per unit', async () => {
    const { t, program, partner } = await setup();
    await leadByCode(t, partner.code, 'cus_1');
    await addReward(t, program.id, { event: 'sale', type: 'per_unit', amount: 800 });
    await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 1000 });
    const s = await sale(t, program.id, 'cus_1', 4999, { quantity: 3 });
    expect(s.commissions.map((c: any) => c.amount).sort()).toEqual([2400, 500]);
  });

  it('a sale in another currency is 422 currency_mismatch and records nothing', async () => {
    const { t, program, partner } = await setup();
    await leadByCode(t, partner.code, 'cus_1');
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 100 });
    const r = await t.json('POST', '/v1/track/sale', { programId: program.id, customerExternalId: 'cus_2', externalId: 'o1', amount: 100, currency: 'USD' });
    expectApiError(r, 422, 'validation_failed', 'currency');
    const r2 = await t.json('POST', '/v1/track/sale', { programId: program.id, customerExternalId: 'cus_2', externalId: 'o1', amount: 100, currency: 'usd' });
    expectApiError(r2, 422, 'validation_failed', 'currency');
    expect(r2.body.error.reason).toBe('currency_mismatch'); // any case: "eur" would be EUR (normalized-input.test.ts)
    expect((await events(t, program.id)).length).toBe(1);
    expect((await rawRows(t, 'customers')).length).toBe(1);
  });
});

describe('unknown customers', () => {
  // A lead that attributes the customer later decides such events again (early-sale.test.ts): these
  // happened before the lead by code, whose instant is the lead's occurredAt, so they stay unearned.
  it('a sale for an unknown customer dated before the lead by code never earns, also when the sale is replayed; the next sale does', async () => {
    const { t, program, partner } = await setup();
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000, caps: { perCustomer: { count: 1 } } });
    const body = { programId: program.id, customerExternalId: 'cus_1', externalId: 'inv_1', amount: 5000, currency: 'EUR' };
    const first = await t.json('POST', '/v1/track/sale', body);
    expect(first.status).toBe(200);
    expect(first.body.event).toMatchObject({ status: 'unattributed', reason: 'unknown_customer', partnerId: null });
    t.advance(1000);
    const lead = await leadByCode(t, partner.code, 'cus_1');
    expect(lead.customer).toMatchObject({ id: first.body.customer.id, partnerId: partner.id });
    const replay = await t.json('POST', '/v1/track/sale', body);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ ...first.body, customer: lead.customer, event: { ...first.body.event, reason: 'outside_window' } });
    const conflict = await t.json('POST', '/v1/track/sale', { ...body, amount: 5001 });
    expectApiError(conflict, 409, 'conflict');
    expect(conflict.body.error.reason).toBe('idempotency_conflict');
    // A refund of it reverses nothing.
    const rf = await t.json('POST', '/v1/track/refund', { programId: program.id, saleExternalId: 'inv_1', externalId: 're_1' });
    expect(rf.status, JSON.stringify(rf.body)).toBe(200);
    expect(rf.body.commissions).toEqual([]);
    const next = await sale(t, program.id, 'cus_1', 5000);
    expect(next.commissions.map((c: any) => c.amount)).toEqual([1000]);
    expect(await commissions(t, program.id)).toHaveLength(1);
    expect(await balance(t, partner.id)).toEqual({ pending: 1000, approved: 0, paid: 0 });
  });

  it('a custom event for an unknown customer is recorded unattributed and cannot earn after a later lead', async () => {
    const { t, program, partner } = await setup();
    await addReward(t, program.id, { event: 'demo_requested', type: 'fixed', amount: 1000 });
    const e = await customEvent(t, program.id, 'cus_1', 'demo_requested');
    expect(e.event).toMatchObject({ status: 'unattributed', reason: 'unknown_customer' });
    t.advance(1000);
    const lead = await leadByCode(t, partner.code, 'cus_1');
    const again = await customEvent(t, program.id, 'cus_1', 'demo_requested');
    expect(again).toEqual({ ...e, customer: lead.customer, event: { ...e.event, reason: 'outside_window' } });
    expect(await commissions(t, program.id)).toEqual([]);
  });
});

describe('two-sided credit without a referral', () => {
  it('an unattributed or self-referred customer gets no credit', async () => {
    const { t, program, partner } = await setup();
    await addReward(t, program.id, { event: 'sale', recipient: 'customer', type: 'fixed', amount: 500 });
    const un = await t.json('POST', '/v1/track/lead', { programId: program.id, customer: { externalId: 'cus_1' } });
    expect(un.body.event.reason).toBe('no_referral');
    expect((await sale(t, program.id, 'cus_1', 5000)).commissions).toEqual([]);
    const self = await t.json('POST', '/v1/track/lead', { code: partner.code, customer: { externalId: 'cus_2', email: 'Jane+x@partner.test' } });
    expect(self.body.event).toMatchObject({ status: 'rejected', reason: 'self_referral' });
    const s = await sale(t, program.id, 'cus_2', 5000);
    expect(s.event).toMatchObject({ status: 'unattributed', reason: 'no_referral' });
    expect(s.commissions).toEqual([]);
  });
});

describe('many rules for one event', () => {
  it('40 rules with tiers, caps and customer limits pay in one batch', async () => {
    const { t, program, partner } = await setup();
    await leadByCode(t, partner.code, 'cus_1');
    for (let i = 1; i <= 40; i++) {
      await addReward(t, program.id, { event: 'sale', type: 'fixed', tiers: [{ upTo: 1, amount: i }, { amount: 2 * i }], caps: { perPartner: { amount: 100000, period: 'month' }, perCustomer: { count: 5 } } });
    }
    const s = await sale(t, program.id, 'cus_1', 5000);
    expect(s.commissions).toHaveLength(40);
    expect(s.commissions.reduce((a: number, c: any) => a + c.amount, 0)).toBe(820);
    const s2 = await sale(t, program.id, 'cus_1', 5000);
    expect(s2.commissions.reduce((a: number, c: any) => a + c.amount, 0)).toBe(1640);
    expect(await balance(t, partner.id)).toEqual({ pending: 2460, approved: 0, paid: 0 });
  });
});
