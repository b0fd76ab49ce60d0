import { describe, expect, it } from 'vitest';
import { addReward, leadByCode, refund, sale, setup } from '../conversions/support';

// A fixed or per_unit rule may pay in a unit other than the program currency, another currency
// included (a EUR program paying a USD bonus). Every sum is per unit: balances, payouts (one per
// partner and unit, minAmount per unit), the report's commissions and CSV lines; the money KPIs
// and the commissions leaderboard count the program currency only. Nothing adds USD to EUR.
describe('a EUR program paying a USD fixed bonus', () => {
  it('keeps every total per unit, with exact amounts', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    const pct = await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 1000 });
    const bonus = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 500, unit: 'USD' });
    expect([pct.unit, bonus.unit]).toEqual(['EUR', 'USD']);

    await leadByCode(t, partner.code, 'cus_1');
    const s = await sale(t, program.id, 'cus_1', 10_000, { externalId: 'inv_1' });
    expect(s.commissions.map((c: any) => [c.rewardId, c.amount, c.amountFormatted, c.unit, c.status]).sort()).toEqual(
      [
        [pct.id, 1000, '10.00', 'EUR', 'approved'],
        [bonus.id, 500, '5.00', 'USD', 'approved'],
      ].sort(),
    );
    const r = await refund(t, program.id, 'inv_1', 're_1', 4000);
    expect(r.status).toBe(200);
    expect(r.body.commissions.map((c: any) => [c.kind, c.amount, c.unit]).sort()).toEqual(
      [
        ['reversal', -400, 'EUR'],
        ['reversal', -200, 'USD'],
      ].sort(),
    );

    const zero = { pending: 0, paid: 0 };
    const bal = await t.json('GET', `/v1/partners/${partner.id}/balance`);
    expect(bal.body).toEqual({
      partnerId: partner.id,
      balances: [
        { unit: 'EUR', ...zero, approved: 600, formatted: { pending: '0.00', approved: '6.00', paid: '0.00' } },
        { unit: 'USD', ...zero, approved: 300, formatted: { pending: '0.00', approved: '3.00', paid: '0.00' } },
      ],
    });

    // minAmount applies per unit: 600 EUR is paid, 300 USD carries over.
    const build = await t.json('POST', `/v1/programs/${program.id}/payouts`, { minAmount: 500 });
    expect(build.status).toBe(201);
    expect(build.body.data.map((p: any) => [p.partnerId, p.unit, p.amount, p.amountFormatted, p.entryCount])).toEqual([[partner.id, 'EUR', 600, '6.00', 2]]);
    expect(build.body.skipped).toEqual([{ partnerId: partner.id, unit: 'USD', amount: 300, amountFormatted: '3.00', reason: 'below_minimum' }]);
    expect((await t.json('POST', `/v1/payouts/${build.body.data[0].id}/mark-paid`, { reference: 'SEPA-1' })).status).toBe(200);
    const after = await t.json('GET', `/v1/partners/${partner.id}/balance`);
    expect(after.body.balances.map((b: any) => [b.unit, b.pending, b.approved, b.paid])).toEqual([
      ['EUR', 0, 0, 600],
      ['USD', 0, 300, 0],
    ]);
    const usd = await t.json('POST', `/v1/programs/${program.id}/payouts`, { minAmount: 1 });
    expect(usd.body.data.map((p: any) => [p.unit, p.amount, p.entryCount])).toEqual([['USD', 300, 2]]);

    const day = '2026-03-01';
    const report = await t.json('GET', `/v1/programs/${program.id}/report?from=${day}&to=${day}&groupBy=partner`);
    expect(report.body.totals).toMatchObject({ leads: 1, sales: 1, revenue: 6000, commissions: [{ unit: 'EUR', amount: 600 }, { unit: 'USD', amount: 300 }] });
    expect(report.body.rows.map((row: any) => [row.key, row.commissions])).toEqual([[partner.id, [{ unit: 'EUR', amount: 600 }, { unit: 'USD', amount: 300 }]]]);
    const csv = await t.request('GET', `/v1/programs/${program.id}/report?from=${day}&to=${day}&groupBy=partner&format=csv`);
    const text = (await csv.text()).split('\r\n');
    expect(text[0]!.split(',').slice(-2)).toEqual(['commission_EUR', 'commission_USD']);
    const lines = text.filter((l) => l.startsWith(partner.id));
    expect(lines.map((l) => l.split(',').slice(-2))).toEqual([['6.00', '3.00']]);

    // The money KPIs and the commissions leaderboard are in the program currency only.
    const kpis = await t.json('GET', `/v1/programs/${program.id}/kpis?from=${day}&to=${day}`);
    expect(kpis.body).toMatchObject({ currency: 'EUR', revenue: 6000, commissionsOwed: 0, commissionsPaid: 600, payoutRatio: 0.1 });
    const board = await t.json('GET', `/v1/programs/${program.id}/leaderboard?metric=commissions&from=${day}&to=${day}`);
    expect(board.body).toMatchObject({ currency: 'EUR', data: [{ rank: 1, partnerId: partner.id, value: 600 }] });
  });
});
