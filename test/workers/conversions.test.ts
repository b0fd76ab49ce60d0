import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { json, self } from './helpers';
import { addReward, balance, clickThrough, commissions, countRows, events, leadByCode, program, sale, sum } from './tracking';

describe('reward rules and tracking on workerd with D1', () => {
  it('click → lead by click id → capped leads → 20% sale → replays → 409 on a changed payload', async () => {
    const { program: p, partner } = await program({ holdDays: 0 });
    const leadRule = await addReward(p.id, { event: 'lead', type: 'fixed', amount: 5000, caps: { perPartner: { amount: 15000, period: 'year' } } });
    const saleRule = await addReward(p.id, { event: 'sale', type: 'percent', amount: 2000 });
    const creditRule = await addReward(p.id, { event: 'sale', recipient: 'customer', type: 'fixed', amount: 500, caps: { perCustomer: { count: 1 } } });
    expect([leadRule.unit, saleRule.unit, creditRule.unit]).toEqual(['USD', 'USD', 'USD']);

    // The redirect hands out the click id; the landing page passes it on with the sign-up.
    const clickId = await clickThrough(partner.defaultLink.code);
    const lead = await json('POST', '/v1/track/lead', { clickId, customer: { externalId: 'cus_1', email: 'bob@example.org' } });
    expect(lead.status, JSON.stringify(lead.body)).toBe(200);
    expect(lead.body.customer).toEqual({ id: expect.stringMatching(/^cus_/), externalId: 'cus_1', partnerId: partner.id });
    expect(lead.body.event).toMatchObject({
      type: 'lead',
      status: 'attributed',
      reason: null,
      partnerId: partner.id,
      linkId: partner.defaultLink.id,
      clickId,
      customerExternalId: 'cus_1',
    });
    expect(lead.body.commissions).toEqual([
      {
        id: expect.stringMatching(/^com_/),
        kind: 'commission',
        recipient: 'partner',
        partnerId: partner.id,
        customerId: lead.body.customer.id,
        rewardId: leadRule.id,
        eventId: lead.body.event.id,
        reversesId: null,
        amount: 5000,
        amountFormatted: '50.00',
        unit: 'USD',
        status: 'approved',
        holdUntil: lead.body.event.occurredAt,
        explanation: 'fixed 5000; yearly cap 15000, 15000 left → 5000',
        explanationFormatted: 'fixed $50.00; yearly cap $150.00, $150.00 left → $50.00',
        payoutId: null,
        createdAt: expect.any(String),
      },
    ]);
    expect(lead.body.skipped).toEqual([]);

    // By referral code until the yearly cap of 3 × 5000.
    const more = [await leadByCode(partner.code, 'cus_2'), await leadByCode(partner.code, 'cus_3'), await leadByCode(partner.code, 'cus_4')];
    expect(more.map((r) => r.commissions.map((c: any) => [c.amount, c.explanation]))).toEqual([
      [[5000, 'fixed 5000; yearly cap 15000, 10000 left → 5000']],
      [[5000, 'fixed 5000; yearly cap 15000, 5000 left → 5000']],
      [],
    ]);
    expect(more[2].event.status).toBe('attributed');
    expect(more[2].skipped).toEqual([{ rewardId: leadRule.id, reason: 'cap_reached', explanation: 'fixed 5000; yearly cap 15000 reached', explanationFormatted: 'fixed $50.00; yearly cap $150.00 reached' }]);

    // 20% of 12348 is 2469.6 → 2470; the customer gets their one-time credit.
    const saleBody = { programId: p.id, customerExternalId: 'cus_1', externalId: 'inv_1001', amount: 12348, currency: 'USD' };
    const first = await self('POST', '/v1/track/sale', saleBody);
    expect(first.status).toBe(200);
    const text = await first.text();
    const s = JSON.parse(text);
    expect(s.event).toMatchObject({ type: 'sale', status: 'attributed', partnerId: partner.id, amount: 12348, currency: 'USD', externalId: 'inv_1001' });
    expect(s.commissions.map((c: any) => [c.rewardId, c.recipient, c.amount, c.status, c.explanation]).sort()).toEqual(
      [
        [saleRule.id, 'partner', 2470, 'approved', '20% of 12348 = 2470'],
        [creditRule.id, 'customer', 500, 'approved', 'fixed 500'],
      ].sort(),
    );

    for (let i = 0; i < 3; i++) {
      const again = await self('POST', '/v1/track/sale', saleBody);
      expect(again.status).toBe(200);
      expect(await again.text()).toBe(text);
    }
    const recorded = await events(p.id);
    expect(recorded.filter((e) => e.type === 'sale').map((e) => e.id)).toEqual([s.event.id]);
    expect(recorded.map((e) => e.type).sort()).toEqual(['lead', 'lead', 'lead', 'lead', 'sale']);

    const conflict = await json('POST', '/v1/track/sale', { ...saleBody, amount: 12349 });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toMatchObject({ code: 'conflict', reason: 'idempotency_conflict' });

    expect(await countRows('events', p.id)).toBe(5);
    const ledger = await commissions(p.id);
    expect(ledger).toHaveLength(5);
    expect(sum(ledger)).toBe(15000 + 2470 + 500);
    // The customer's credit is not the partner's money.
    expect(await balance(partner.id)).toEqual({ pending: 0, approved: 17470, paid: 0 });
  });

  it('a sale earning on 7 rules writes 7 commissions (inserts chunked under D1’s 100 bound parameters)', async () => {
    const { program: p, partner } = await program({ holdDays: 0 });
    const rules = [
      await addReward(p.id, { event: 'sale', type: 'fixed', amount: 500, caps: { perCustomer: { count: 1 } } }),
      await addReward(p.id, { event: 'sale', recipient: 'customer', type: 'fixed', amount: 500, caps: { perCustomer: { count: 1 } } }),
      await addReward(p.id, { event: 'sale', type: 'percent', amount: 1000 }),
      await addReward(p.id, { event: 'sale', type: 'per_unit', amount: 150 }),
      await addReward(p.id, { event: 'sale', type: 'fixed', tiers: [{ upTo: 1, amount: 700 }, { amount: 900 }] }),
      await addReward(p.id, { event: 'sale', type: 'fixed', amount: 300, caps: { perPartner: { amount: 100000, period: 'month' } } }),
      await addReward(p.id, { event: 'sale', recipient: 'customer', type: 'percent', amount: 250 }),
    ];
    await leadByCode(partner.code, 'cus_1');

    const s = await sale(p.id, 'cus_1', 'inv_7', 20000, { quantity: 3 });
    expect(s.skipped).toEqual([]);
    const byRule = new Map(s.commissions.map((c: any) => [c.rewardId, c.amount]));
    expect(rules.map((r) => byRule.get(r.id))).toEqual([500, 500, 2000, 450, 700, 300, 500]);
    expect(sum(s.commissions)).toBe(4950);

    const stored = await env.DB.prepare('select reward_id, amount, event_id from commissions where program_id = ?').bind(p.id).all<{ reward_id: string; amount: number; event_id: string }>();
    expect(stored.results).toHaveLength(7);
    expect(stored.results.every((r) => r.event_id === s.event.id)).toBe(true);
    expect(new Set(stored.results.map((r) => r.reward_id))).toEqual(new Set(rules.map((r) => r.id)));
    expect(await balance(partner.id)).toEqual({ pending: 0, approved: 500 + 2000 + 450 + 700 + 300, paid: 0 });
  });

  it('a sale earning on 12 rules writes 12 commissions in three insert chunks (5 + 5 + 2)', async () => {
    const { program: p, partner } = await program({ holdDays: 0 });
    const rules = [];
    for (let i = 1; i <= 12; i++) {
      rules.push(await addReward(p.id, { event: 'sale', recipient: i % 4 === 0 ? 'customer' : 'partner', type: 'fixed', amount: i * 100 }));
    }
    await leadByCode(partner.code, 'cus_1');
    const s = await sale(p.id, 'cus_1', 'inv_12', 9900);
    expect(s.commissions).toHaveLength(12);
    expect(sum(s.commissions)).toBe(7800);
    expect(await countRows('commissions', p.id)).toBe(12);
    expect(sum(await commissions(p.id))).toBe(7800);
    // Customer credits (rules 4, 8, 12) are not the partner's balance.
    expect(await balance(partner.id)).toEqual({ pending: 0, approved: 7800 - 2400, paid: 0 });
  });

  it('a name keeps one kind per program on D1 too: a lead name sent as a sale is 422 event_kind_mismatch, nothing written', async () => {
    const { program: p, partner } = await program({ holdDays: 0 });
    await addReward(p.id, { event: 'signup', type: 'fixed', amount: 5000 });
    const lead = await json('POST', '/v1/track/lead', { code: partner.code, customer: { externalId: 'cus_k' }, eventName: 'signup' });
    expect(lead.status, JSON.stringify(lead.body)).toBe(200);
    const asSale = await json('POST', '/v1/track/sale', { programId: p.id, customerExternalId: 'cus_k', externalId: 'o1', amount: 1000, currency: 'USD', eventName: 'signup' });
    expect(asSale.status).toBe(422);
    expect(asSale.body.error).toMatchObject({ code: 'validation_failed', reason: 'event_kind_mismatch', field: 'eventName' });
    expect(await countRows('events', p.id)).toBe(1);
    expect(await countRows('commissions', p.id)).toBe(1);
  });
});
