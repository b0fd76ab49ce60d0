import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { json } from './helpers';
import { addReward, balance, commissions, countRows, leadByCode, program, sum } from './tracking';

describe('concurrent conversions on workerd with D1', () => {
  it('20 sales at once under a 7500 yearly cap: 7 × 1000, one truncated to 500, 12 cap_reached', async () => {
    const { program: p, partner } = await program({ holdDays: 0 });
    const rule = await addReward(p.id, { event: 'sale', type: 'fixed', amount: 1000, caps: { perPartner: { amount: 7500, period: 'year' } } });
    await leadByCode(partner.code, 'cus_1');

    const rs = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        json('POST', '/v1/track/sale', { programId: p.id, customerExternalId: 'cus_1', externalId: `ord_${i}`, amount: 9900, currency: 'USD' }),
      ),
    );
    expect(rs.map((r) => r.status)).toEqual(Array(20).fill(200));
    const paid = rs.map((r) => sum(r.body.commissions)).sort((a, b) => b - a);
    expect(paid).toEqual([1000, 1000, 1000, 1000, 1000, 1000, 1000, 500, ...Array(12).fill(0)]);
    const truncated = rs.find((r) => r.body.commissions[0]?.amount === 500)!;
    expect(truncated.body.commissions[0].explanation).toBe('fixed 1000; yearly cap 7500, 500 left → 500');
    const skipped = rs.filter((r) => r.body.commissions.length === 0);
    expect(skipped).toHaveLength(12);
    for (const r of skipped) {
      expect(r.body.event.status).toBe('attributed');
      expect(r.body.skipped).toEqual([{ rewardId: rule.id, reason: 'cap_reached', explanation: 'fixed 1000; yearly cap 7500 reached', explanationFormatted: 'fixed $10.00; yearly cap $75.00 reached' }]);
    }

    expect(await countRows('events', p.id)).toBe(21);
    const ledger = await commissions(p.id);
    expect(ledger).toHaveLength(8);
    expect(sum(ledger)).toBe(7500);
    expect(await balance(partner.id)).toEqual({ pending: 0, approved: 7500, paid: 0 });
    // The capped total in the counter row matches the ledger.
    const year = new Date(rs[0]!.body.event.occurredAt).getUTCFullYear();
    const capRow = await env.DB.prepare('select count, total from reward_counters where key = ?').bind(`${rule.id}|p:${partner.id}|cap|y${year}`).first();
    expect(capRow).toEqual({ count: 8, total: 7500 });
  });
});
