import { describe, expect, it } from 'vitest';
import { addReward, balance, commissions, customEvent, days, DAY, leadByCode, sale, setup, sum, T0 } from '../../conversions/support';

// The eight reward examples of the product brief, end to end through the HTTP API.
describe('reward examples over HTTP', () => {
  it('1) two-sided: €5 to the referrer and €5 credit to the new customer on the first sale only', async () => {
    const { t, program, partner } = await setup();
    const toPartner = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 500, caps: { perCustomer: { count: 1 } } });
    const toCustomer = await addReward(t, program.id, { event: 'sale', recipient: 'customer', type: 'fixed', amount: 500, caps: { perCustomer: { count: 1 } } });
    const lead = await leadByCode(t, partner.code, 'cus_1');
    expect(lead.event.status).toBe('attributed');

    const first = await sale(t, program.id, 'cus_1', 4900);
    // Rules created in the same millisecond have no defined order: compare as sets.
    const byRecipient = (rows: any[]) => [...rows].sort((a, b) => a.recipient.localeCompare(b.recipient));
    expect(byRecipient(first.commissions).map((c: any) => [c.rewardId, c.recipient, c.amount, c.unit, c.status])).toEqual([
      [toCustomer.id, 'customer', 500, 'EUR', 'pending'],
      [toPartner.id, 'partner', 500, 'EUR', 'pending'],
    ]);
    expect(first.commissions.every((c: any) => c.customerId === lead.customer.id && c.partnerId === partner.id)).toBe(true);

    const second = await sale(t, program.id, 'cus_1', 4900);
    expect(second.event.status).toBe('attributed');
    expect(second.commissions).toEqual([]);
    expect(second.skipped.map((s: any) => [s.rewardId, s.reason]).sort()).toEqual(
      [
        [toPartner.id, 'customer_limit_reached'],
        [toCustomer.id, 'customer_limit_reached'],
      ].sort(),
    );
    expect(await commissions(t, program.id)).toHaveLength(2);
    // Only the partner's share is the partner's money.
    expect(await balance(t, partner.id)).toEqual({ pending: 500, approved: 0, paid: 0 });
  });

  it('2) tiers: 5 × 1000 then 2500 — seven referred first sales pay 10000', async () => {
    const { t, program, partner } = await setup();
    await addReward(t, program.id, {
      event: 'sale',
      type: 'fixed',
      amount: 0,
      tiers: [{ upTo: 5, amount: 1000 }, { amount: 2500 }],
      caps: { perCustomer: { count: 1 } },
    });
    const paid: number[] = [];
    for (let i = 1; i <= 7; i++) {
      await leadByCode(t, partner.code, `cus_${i}`);
      const r = await sale(t, program.id, `cus_${i}`, 10000);
      paid.push(sum(r.commissions));
      // A repeat purchase neither pays nor advances the tier.
      const again = await sale(t, program.id, `cus_${i}`, 10000);
      expect(again.skipped.map((s: any) => s.reason)).toEqual(['customer_limit_reached']);
    }
    expect(paid).toEqual([1000, 1000, 1000, 1000, 1000, 2500, 2500]);
    const all = await commissions(t, program.id);
    expect(all).toHaveLength(7);
    expect(sum(all)).toBe(10000);
    expect(await balance(t, partner.id)).toEqual({ pending: 10000, approved: 0, paid: 0 });
  });

  it('3) multi-step funnel: demo 1000 + training 1000 + sale 2500, each once per customer', async () => {
    const { t, program, partner } = await setup();
    for (const [event, amount] of [['demo_requested', 1000], ['training_booked', 1000], ['sale', 2500]] as const) {
      await addReward(t, program.id, { event, type: 'fixed', amount, caps: { perCustomer: { count: 1 } } });
    }
    const full = await leadByCode(t, partner.code, 'cus_full');
    const stops = await leadByCode(t, partner.code, 'cus_demo_only');

    expect(sum((await customEvent(t, program.id, 'cus_full', 'demo_requested')).commissions)).toBe(1000);
    expect(sum((await customEvent(t, program.id, 'cus_full', 'training_booked')).commissions)).toBe(1000);
    expect(sum((await sale(t, program.id, 'cus_full', 30000)).commissions)).toBe(2500);
    // A second demo (a distinct event by externalId) earns nothing more.
    const again = await customEvent(t, program.id, 'cus_full', 'demo_requested', { externalId: 'demo-2' });
    expect(again.commissions).toEqual([]);
    expect(again.skipped[0].reason).toBe('customer_limit_reached');

    expect(sum((await customEvent(t, program.id, 'cus_demo_only', 'demo_requested')).commissions)).toBe(1000);

    const all = await commissions(t, program.id);
    expect(sum(all.filter((c) => c.customerId === full.customer.id))).toBe(4500);
    expect(sum(all.filter((c) => c.customerId === stops.customer.id))).toBe(1000);
    expect(all).toHaveLength(4);
  });

  it('4) $50 per referral with a yearly partner cap of $500: 12 in 2026 pay 50000; 2027 starts over', async () => {
    const { t, program, partner } = await setup({ currency: 'USD' });
    const rule = await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 5000, caps: { perPartner: { amount: 50000, period: 'year' } } });
    expect(rule.unit).toBe('USD');
    const results = [];
    for (let i = 1; i <= 12; i++) {
      t.setNow(days(i * 20)); // spread over 2026: 2026-03-21 … 2026-10-27
      results.push(await leadByCode(t, partner.code, `cus_${i}`));
    }
    expect(results.map((r) => sum(r.commissions))).toEqual([5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 0, 0]);
    for (const r of results.slice(10)) {
      expect(r.event.status).toBe('attributed');
      expect(r.commissions).toEqual([]);
      expect(r.skipped).toEqual([{ rewardId: rule.id, reason: 'cap_reached', explanation: expect.stringContaining('yearly cap 50000 reached'), explanationFormatted: 'fixed $50.00; yearly cap $500.00 reached' }]);
    }
    expect(sum(await commissions(t, program.id))).toBe(50000);

    t.setNow(new Date('2027-01-10T09:00:00.000Z'));
    const next = await leadByCode(t, partner.code, 'cus_2027');
    expect(next.commissions.map((c: any) => [c.amount, c.unit])).toEqual([[5000, 'USD']]);
    expect(sum(await commissions(t, program.id))).toBe(55000);
  });

  it('5) 500 MB per referral with a lifetime cap of 16000 MB: the 33rd earns nothing', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    const rule = await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 500, unit: 'MB', caps: { perPartner: { amount: 16000, period: 'lifetime' } } });
    for (let i = 1; i <= 32; i++) {
      const r = await leadByCode(t, partner.code, `cus_${i}`);
      expect(r.commissions.map((c: any) => [c.amount, c.unit]), `referral ${i}`).toEqual([[500, 'MB']]);
    }
    const r33 = await leadByCode(t, partner.code, 'cus_33');
    expect(r33.commissions).toEqual([]);
    expect(r33.skipped.map((s: any) => [s.rewardId, s.reason])).toEqual([[rule.id, 'cap_reached']]);
    const all = await commissions(t, program.id);
    expect(all).toHaveLength(32);
    expect(sum(all)).toBe(16000);
    expect(await balance(t, partner.id, 'MB')).toEqual({ pending: 0, approved: 16000, paid: 0 });
  });

  it('6) per seat by plan (800 / 1500 / 2300) with a monthly partner cap per plan, truncated at the cap', async () => {
    const { t, program, partner } = await setup();
    const plans = { business_starter: 800, business_standard: 1500, business_plus: 2300 } as const;
    const rules: Record<string, any> = {};
    for (const [plan, perSeat] of Object.entries(plans)) {
      rules[plan] = await addReward(t, program.id, {
        event: 'sale',
        type: 'per_unit',
        amount: perSeat,
        conditions: [{ field: 'metadata.plan', op: 'eq', value: plan }],
        caps: { perPartner: { amount: 10000, period: 'month' } },
      });
    }
    await leadByCode(t, partner.code, 'cus_a');
    const buy = (plan: string, seats: number) => sale(t, program.id, 'cus_a', 5000 * seats, { quantity: seats, metadata: { plan } });

    const starter = await buy('business_starter', 10);
    expect(starter.commissions.map((c: any) => [c.rewardId, c.amount])).toEqual([[rules.business_starter.id, 8000]]);
    expect(starter.skipped.map((s: any) => [s.rewardId, s.reason]).sort()).toEqual(
      [
        [rules.business_standard.id, 'conditions_not_met'],
        [rules.business_plus.id, 'conditions_not_met'],
      ].sort(),
    );
    expect((await buy('business_standard', 5)).commissions.map((c: any) => c.amount)).toEqual([7500]);
    expect((await buy('business_plus', 3)).commissions.map((c: any) => c.amount)).toEqual([6900]);
    // 10000 cap: plus has 3100 left, so 4 seats (9200) are truncated to 3100.
    const truncated = await buy('business_plus', 4);
    expect(truncated.commissions.map((c: any) => c.amount)).toEqual([3100]);
    expect(truncated.commissions[0].explanation).toContain('3100 left');
    // starter has 2000 left: 3 seats (2400) → 2000; then the cap is reached.
    expect((await buy('business_starter', 3)).commissions.map((c: any) => c.amount)).toEqual([2000]);
    const capped = await buy('business_starter', 1);
    expect(capped.commissions).toEqual([]);
    expect(capped.skipped.find((s: any) => s.rewardId === rules.business_starter.id).reason).toBe('cap_reached');
    // An unknown plan matches no rule.
    const other = await buy('enterprise', 50);
    expect(other.commissions).toEqual([]);
    expect(other.skipped.map((s: any) => s.reason)).toEqual(['conditions_not_met', 'conditions_not_met', 'conditions_not_met']);

    expect(sum(await commissions(t, program.id))).toBe(8000 + 7500 + 6900 + 3100 + 2000);
    // The cap is monthly: next month pays in full again.
    t.setNow(new Date('2026-04-02T00:00:00.000Z'));
    expect((await buy('business_plus', 4)).commissions.map((c: any) => c.amount)).toEqual([9200]);
  });

  it('7) sale within 15 days of the lead, held 30 days, then approved by the job', async () => {
    const { t, program, partner } = await setup();
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 3000, windowDays: 15, holdDays: 30 });
    await leadByCode(t, partner.code, 'cus_late');
    await leadByCode(t, partner.code, 'cus_on_time');

    t.setNow(days(16));
    const late = await sale(t, program.id, 'cus_late', 9900);
    expect(late.commissions).toEqual([]);
    expect(late.skipped.map((s: any) => s.reason)).toEqual(['outside_window']);

    const saleAt = days(15);
    const onTime = await sale(t, program.id, 'cus_on_time', 9900, { occurredAt: saleAt.toISOString() });
    expect(onTime.commissions).toHaveLength(1);
    const [c] = onTime.commissions;
    expect(c).toMatchObject({ amount: 3000, status: 'pending', holdUntil: new Date(saleAt.getTime() + 30 * DAY).toISOString() });

    t.setNow(new Date(saleAt.getTime() + 30 * DAY - 1));
    expect(await t.json('POST', '/v1/jobs/approve-commissions')).toMatchObject({ status: 200, body: { approved: 0 } });
    expect(await balance(t, partner.id)).toEqual({ pending: 3000, approved: 0, paid: 0 });

    t.setNow(new Date(saleAt.getTime() + 30 * DAY));
    expect(await t.json('POST', '/v1/jobs/approve-commissions')).toMatchObject({ status: 200, body: { approved: 1 } });
    expect((await commissions(t, program.id)).map((x) => [x.id, x.status])).toEqual([[c.id, 'approved']]);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 3000, paid: 0 });
    expect(await t.json('POST', '/v1/jobs/approve-commissions')).toMatchObject({ body: { approved: 0 } });
  });

  it('8) 20% of every sale for 365 days after the lead, rounded half up; day 366 is outside', async () => {
    const { t, program, partner } = await setup();
    await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 2000, windowDays: 365 });
    await leadByCode(t, partner.code, 'cus_1');
    const amounts = [10000, 10001, 10003, 4999, 12345, 1, 2, 3, 99999, 100000, 7, 250];
    const expected = [2000, 2000, 2001, 1000, 2469, 0, 0, 1, 20000, 20000, 1, 50];
    const got: number[] = [];
    for (const [i, amount] of amounts.entries()) {
      const r = await sale(t, program.id, 'cus_1', amount, { occurredAt: days(30 * i + 15).toISOString() });
      got.push(sum(r.commissions));
      if (expected[i] === 0) expect(r.skipped.map((s: any) => s.reason)).toEqual(['zero_amount']);
    }
    expect(got).toEqual(expected);
    const last = await sale(t, program.id, 'cus_1', 10000, { occurredAt: days(365).toISOString() });
    expect(last.commissions.map((c: any) => c.amount)).toEqual([2000]);
    const outside = await sale(t, program.id, 'cus_1', 10000, { occurredAt: days(366).toISOString() });
    expect(outside.commissions).toEqual([]);
    expect(outside.skipped.map((s: any) => s.reason)).toEqual(['outside_window']);
    expect(sum(await commissions(t, program.id))).toBe(expected.reduce((a, b) => a + b, 0) + 2000);
  });
});
