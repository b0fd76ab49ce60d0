import { describe, expect, it } from 'vitest';
import { json } from './helpers';
import { addReward, leadByCode, program, sale } from './tracking';

// Money in partner explanations comes from Intl.NumberFormat('en'): workerd's ICU must give the
// same text as Node's (test/me/explanations.test.ts), for 2, 0 and 3 decimal currencies.
describe('partner explanations on workerd', () => {
  it.each([
    ['EUR', 12000, '10% of €120.00 = €12.00'],
    ['JPY', 12000, '10% of ¥12,000 = ¥1,200'],
    ['KWD', 12345, '10% of KWD 12.345 = KWD 1.235'],
  ])('%s', async (currency, amount, expected) => {
    const { program: p, partner } = await program({ currency });
    await addReward(p.id, { event: 'sale', type: 'percent', amount: 1000 });
    await leadByCode(partner.code, 'cus_1');
    await sale(p.id, 'cus_1', 'inv_1', amount, { currency });
    const token = (await json('POST', `/v1/partners/${partner.id}/tokens`, {})).body.token;
    const mine = await json('GET', '/v1/me/commissions', undefined, { authorization: `Bearer ${token}` });
    expect(mine.status).toBe(200);
    expect(mine.body.data.map((c: any) => c.explanation)).toEqual([expected]);
  });
});

// The admin's tracking answer on workerd: amountFormatted (major units) and explanationFormatted
// (money) beside the stored explanation, for an earned entry and a skipped rule.
describe('admin answers on workerd', () => {
  it('a capped KWD rule: earned, truncated, cap_reached', async () => {
    const { program: p, partner } = await program({ currency: 'KWD' });
    const rule = await addReward(p.id, { event: 'sale', type: 'fixed', amount: 5000, caps: { perPartner: { amount: 8000, period: 'year' } } });
    await leadByCode(partner.code, 'cus_1');
    const answers = [];
    for (const id of ['inv_1', 'inv_2', 'inv_3']) answers.push(await sale(p.id, 'cus_1', id, 1000, { currency: 'KWD' }));
    expect(answers.map((a) => a.commissions.map((c: any) => [c.amountFormatted, c.explanation, c.explanationFormatted]))).toEqual([
      [['5.000', 'fixed 5000; yearly cap 8000, 8000 left → 5000', 'fixed KWD 5.000; yearly cap KWD 8.000, KWD 8.000 left → KWD 5.000']],
      [['3.000', 'fixed 5000; yearly cap 8000, 3000 left → 3000', 'fixed KWD 5.000; yearly cap KWD 8.000, KWD 3.000 left → KWD 3.000']],
      [],
    ]);
    expect(answers[2].skipped).toEqual([
      { rewardId: rule.id, reason: 'cap_reached', explanation: 'fixed 5000; yearly cap 8000 reached', explanationFormatted: 'fixed KWD 5.000; yearly cap KWD 8.000 reached' },
    ]);
  });
});
