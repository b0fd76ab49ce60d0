import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { json } from './helpers';
import { addReward, leadByCode, program, sale } from './tracking';

// D1 hands a 64-bit sum to JS as a double, rounded silently past 2^53 - 1: the API gives such a sum
// as 409 sum_too_large instead. Entries set in SQL stand in for ~9,008 commissions of 10^12.
describe('sums past Number.MAX_SAFE_INTEGER on workerd with D1', () => {
  it('are exact up to 2^53 - 1 and a 409 beyond, with no payout written', async () => {
    const { program: p, partner } = await program({ holdDays: 0 });
    await addReward(p.id, { event: 'sale', type: 'fixed', amount: 1000 });
    await leadByCode(partner.code, 'cus_1');
    await sale(p.id, 'cus_1', 'ord_1', 5000);
    await sale(p.id, 'cus_1', 'ord_2', 5000);
    const { results } = await env.DB.prepare('select id from commissions where program_id = ? order by id').bind(p.id).all<{ id: string }>();
    const [a, b] = results.map((r) => r.id);
    // 2^52 and 2^52 - 1 as SQL literals (stored as INTEGER), then 2^52 twice.
    await env.DB.prepare('update commissions set amount = 4503599627370496 where id = ?').bind(a).run();
    await env.DB.prepare('update commissions set amount = 4503599627370495 where id = ?').bind(b).run();
    const exact = await json('GET', `/v1/partners/${partner.id}/balance`);
    expect(exact.body.balances.map((x: any) => [x.unit, x.approved, x.formatted.approved])).toEqual([['USD', Number.MAX_SAFE_INTEGER, '90071992547409.91']]);

    await env.DB.prepare('update commissions set amount = 4503599627370496 where id = ?').bind(b).run();
    const bal = await json('GET', `/v1/partners/${partner.id}/balance`);
    expect([bal.status, bal.body.error?.code, bal.body.error?.reason]).toEqual([409, 'conflict', 'sum_too_large']);
    const build = await json('POST', `/v1/programs/${p.id}/payouts`, { minAmount: 1 });
    expect([build.status, build.body.error?.reason]).toEqual([409, 'sum_too_large']);
    const payouts = await env.DB.prepare('select count(*) as n from payouts where program_id = ?').bind(p.id).first<{ n: number }>();
    expect(payouts?.n).toBe(0);
  });
});
