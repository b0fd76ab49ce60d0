import { describe, expect, it } from 'vitest';
import { countRows, expectApiError, rawClient, rawRows } from '../foundation/support';
import { addReward, leadByCode, sale, setup } from '../conversions/support';

// Sums of amounts are exact in SQLite (64-bit) but read into JS numbers, exact only up to
// 2^53 − 1. A sum past it is a 409 sum_too_large on every engine (libSQL's driver would throw a
// RangeError, a 500; D1 would round silently), never a rounded amount. Entries stored with amounts
// no API call can make today (at most 10^12 each) stand in for ~9,008 maximal commissions.
const MAX = Number.MAX_SAFE_INTEGER; // 9007199254740991
const HALF = 2 ** 52; // two of these are 2^53: one past MAX

async function world() {
  const { t, program, partner } = await setup({ holdDays: 0 });
  await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000 });
  await leadByCode(t, partner.code, 'cus_1');
  await sale(t, program.id, 'cus_1', 5000);
  await sale(t, program.id, 'cus_1', 5000);
  const ids = (await rawRows(t, 'commissions')).map((c) => String(c.id)).sort();
  expect(ids).toHaveLength(2);
  const setAmounts = async (a: number, b: number) => {
    const sql = rawClient(t);
    await sql.execute({ sql: 'update commissions set amount = ? where id = ?', args: [a, ids[0]!] });
    await sql.execute({ sql: 'update commissions set amount = ? where id = ?', args: [b, ids[1]!] });
    // The rollups as the write path would have made them: one row per day, dimension and key.
    await sql.execute({ sql: 'update daily_commission_rollups set amount = ?', args: [BigInt(a) + BigInt(b)] });
    await sql.execute({ sql: 'update daily_rollups set revenue = ? where sales > 0', args: [BigInt(a) + BigInt(b)] });
  };
  return { t, program, partner, setAmounts };
}

const day = '2026-03-01';

describe('sums beyond Number.MAX_SAFE_INTEGER', () => {
  it('up to 2^53 − 1 every sum is exact: balance, payout, report, KPIs', async () => {
    const { t, program, partner, setAmounts } = await world();
    await setAmounts(HALF, HALF - 1);
    const bal = await t.json('GET', `/v1/partners/${partner.id}/balance`);
    expect(bal.body.balances).toEqual([{ unit: 'EUR', pending: 0, approved: MAX, paid: 0, formatted: { pending: '0.00', approved: '90071992547409.91', paid: '0.00' } }]);
    const report = await t.json('GET', `/v1/programs/${program.id}/report?from=${day}&to=${day}`);
    expect(report.body.totals).toMatchObject({ revenue: MAX, commissions: [{ unit: 'EUR', amount: MAX }] });
    const kpis = await t.json('GET', `/v1/programs/${program.id}/kpis?from=${day}&to=${day}`);
    expect(kpis.body).toMatchObject({ revenue: MAX, commissionsOwed: MAX, payoutRatio: 1 });
    const build = await t.json('POST', `/v1/programs/${program.id}/payouts`, { minAmount: 1 });
    expect(build.body.data.map((p: any) => [p.amount, p.amountFormatted, p.entryCount])).toEqual([[MAX, '90071992547409.91', 2]]);
  });

  it('one past it: 409 sum_too_large on every read and on the payout build, which writes nothing', async () => {
    const { t, program, partner, setAmounts } = await world();
    await setAmounts(HALF, HALF);
    const refused = (r: { status: number; body: any }) => {
      expectApiError(r, 409, 'conflict');
      expect(r.body.error.reason).toBe('sum_too_large');
      expect(r.body.error.message).toContain(`beyond ${MAX} minor units`);
    };
    const bal = await t.json('GET', `/v1/partners/${partner.id}/balance`);
    refused(bal);
    expect(bal.body.error.message).toBe(`the partner's approved EUR balance is beyond ${MAX} minor units in absolute value, the largest sum the API can give exactly`);
    refused(await t.json('GET', `/v1/programs/${program.id}/report?from=${day}&to=${day}`));
    refused(await t.json('GET', `/v1/programs/${program.id}/report?from=${day}&to=${day}&format=csv`));
    refused(await t.json('GET', `/v1/programs/${program.id}/kpis?from=${day}&to=${day}`));
    refused(await t.json('GET', `/v1/programs/${program.id}/leaderboard?metric=commissions&from=${day}&to=${day}`));
    refused(await t.json('GET', `/v1/programs/${program.id}/leaderboard?metric=revenue&from=${day}&to=${day}`));

    const build = await t.json('POST', `/v1/programs/${program.id}/payouts`, { minAmount: 1 });
    refused(build);
    expect(build.body.error.message).toBe(`approved, unpaid EUR of partner ${partner.id} is beyond ${MAX} minor units in absolute value, the largest sum the API can give exactly`);
    expect(await rawRows(t, 'payouts')).toEqual([]);
    expect((await rawRows(t, 'commissions')).map((c) => c.payout_id)).toEqual([null, null]);
    expect(await countRows(t, 'partners')).toBe(1);
  });

  it('two exact group sums whose JS total is past it are refused too (report totals)', async () => {
    const { t, program, setAmounts } = await world();
    await setAmounts(HALF, HALF - 1);
    // A second day's rollup row of 1: each day is exact, the range's total is not.
    await rawClient(t).execute(
      "insert into daily_commission_rollups (program_id, partner_id, day, dim, key, unit, amount) select program_id, partner_id, '2026-03-02', dim, key, unit, 1 from daily_commission_rollups where dim = 'all'",
    );
    const r = await t.json('GET', `/v1/programs/${program.id}/report?from=${day}&to=2026-03-02`);
    expectApiError(r, 409, 'conflict');
    expect(r.body.error.reason).toBe('sum_too_large');
  });
});
