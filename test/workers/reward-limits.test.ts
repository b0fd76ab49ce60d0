import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { json } from './helpers';
import { addReward, leadByCode, program, refund, sale } from './tracking';

// The largest rule set a program may hold, on D1: one sale's batch (event, 450 counters, 150
// commissions) and its refund's go through whole; the 151st active rule is refused in the write.
describe('reward rule limits on workerd with D1', () => {
  it('150 capped rules pay on one sale and reverse on a refund; a 151st active rule and a counted tierPeriod change are 409', async () => {
    const { program: p, partner } = await program();
    const rule = (i: number) => ({ event: 'sale', type: 'fixed', amount: 100 + i, caps: { perPartner: { amount: 1_000_000, period: 'year' }, perCustomer: { count: 10 } } });
    const rules = [];
    for (let i = 0; i < 150; i++) rules.push(await addReward(p.id, rule(i)));
    const extra = await json('POST', `/v1/programs/${p.id}/rewards`, rule(199));
    expect(extra.status).toBe(409);
    expect(extra.body.error).toMatchObject({ code: 'conflict', reason: 'too_many_active_rules' });
    const stored = await env.DB.prepare('select count(*) as n from rewards where program_id = ?').bind(p.id).first<{ n: number }>();
    expect(stored?.n).toBe(150);

    await leadByCode(partner.code, 'cus_1');
    const s = await sale(p.id, 'cus_1', 'ord_1', 5000);
    expect([s.commissions.length, s.commissions.reduce((n: number, c: any) => n + c.amount, 0)]).toEqual([150, 26_175]);
    const r = await refund(p.id, 'ord_1', 're_1');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.commissions.reduce((n: number, c: any) => n + c.amount, 0)).toBe(-26_175);
    const ledger = await env.DB.prepare('select count(*) as n, sum(amount) as total from commissions where program_id = ?').bind(p.id).first<{ n: number; total: number }>();
    expect([ledger?.n, ledger?.total]).toEqual([300, 0]);

    const period = await json('PATCH', `/v1/programs/${p.id}/rewards/${rules[0].id}`, { tierPeriod: 'month' });
    expect(period.status).toBe(409);
    expect(period.body.error.reason).toBe('reward_in_use');
  });
});
