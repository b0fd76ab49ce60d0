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
