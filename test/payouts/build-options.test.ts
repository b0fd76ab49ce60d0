import { describe, expect, it } from 'vitest';
import { expectApiError, rawClient } from '../foundation/support';
import type { TestApp } from '../helpers/app';
import { addPartner, addReward, leadByCode, sale, setup } from '../conversions/support';

/**
 * EUR program, no hold: Jane earns 20% of a sale (EUR) and 50 points per sale; Max the same. Jane
 * sells 10000 and 20000 (6000 EUR, 100 points), Max 10000 (2000 EUR, 50 points).
 */
async function world() {
  const { t, program, partner: jane } = await setup({ holdDays: 0 });
  const max = await addPartner(t, program.id, 'Max', 'max@partner.test');
  await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 2000 });
  await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 50, unit: 'points' });
  await leadByCode(t, jane.code, 'cus_j');
  await leadByCode(t, max.code, 'cus_m');
  await sale(t, program.id, 'cus_j', 10000);
  await sale(t, program.id, 'cus_j', 20000);
  await sale(t, program.id, 'cus_m', 10000);
  expect((await t.json('POST', '/v1/jobs/approve-commissions')).status).toBe(200);
  return { t, program, jane, max };
}

const build = (t: TestApp, programId: string, body: unknown) => t.json('POST', `/v1/programs/${programId}/payouts`, body);
const payoutRows = async (t: TestApp) => Number((await rawClient(t).execute('select count(*) as n from payouts')).rows[0]!.n);
const claimed = async (t: TestApp) => Number((await rawClient(t).execute('select count(*) as n from commissions where payout_id is not null')).rows[0]!.n);
const shape = (r: { body: any }) => ({
  data: (r.body.data as any[]).map((p) => [p.partnerId, p.unit, p.amount, p.entryCount]).sort(),
  skipped: (r.body.skipped as any[]).map((s) => [s.partnerId, s.unit, s.amount, s.reason]).sort(),
});

describe('payout build options', () => {
  it('partnerId builds for that partner only; the others carry over untouched', async () => {
    const { t, program, jane, max } = await world();
    const r = await build(t, program.id, { partnerId: jane.id });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(shape(r)).toEqual({ data: [[jane.id, 'EUR', 6000, 2], [jane.id, 'points', 100, 2]].sort(), skipped: [] });
    expect(await claimed(t)).toBe(4);
    // Again for Jane: nothing; then everyone: Max's.
    expect(shape(await build(t, program.id, { partnerId: jane.id }))).toEqual({ data: [], skipped: [] });
    expect(shape(await build(t, program.id, {}))).toEqual({ data: [[max.id, 'EUR', 2000, 1], [max.id, 'points', 50, 1]].sort(), skipped: [] });
  });

  it('a suspended partner named alone is skipped as partner_suspended; an unknown or another program\'s partner 404', async () => {
    const { t, program, jane } = await world();
    await t.json('PATCH', `/v1/partners/${jane.id}`, { status: 'suspended' });
    const r = await build(t, program.id, { partnerId: jane.id });
    expect(shape(r)).toEqual({ data: [], skipped: [[jane.id, 'EUR', 6000, 'partner_suspended'], [jane.id, 'points', 100, 'partner_suspended']].sort() });
    expectApiError(await build(t, program.id, { partnerId: 'ptn_nope' }), 404, 'not_found');
    const other = await t.json('POST', '/v1/programs', { name: 'Other', currency: 'USD', defaultUrl: 'https://o.test/', allowedHosts: ['o.test'] });
    expectApiError(await build(t, other.body.id, { partnerId: jane.id }), 404, 'not_found');
    expect(await payoutRows(t)).toBe(0);
  });

  it('an integer minAmount is the minimum of every unit (as before)', async () => {
    const { t, program, jane, max } = await world();
    const r = await build(t, program.id, { minAmount: 2500 });
    expect(shape(r)).toEqual({
      data: [[jane.id, 'EUR', 6000, 2]],
      skipped: [[jane.id, 'points', 100, 'below_minimum'], [max.id, 'EUR', 2000, 'below_minimum'], [max.id, 'points', 50, 'below_minimum']].sort(),
    });
  });

  it('minAmount per unit: each unit its own minimum, a unit not named needs 1', async () => {
    const { t, program, jane, max } = await world();
    const r = await build(t, program.id, { minAmount: { EUR: 5000, points: 60 } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(shape(r)).toEqual({
      data: [[jane.id, 'EUR', 6000, 2], [jane.id, 'points', 100, 2]].sort(),
      skipped: [[max.id, 'EUR', 2000, 'below_minimum'], [max.id, 'points', 50, 'below_minimum']].sort(),
    });
    // Only points named: EUR needs 1, Max's 2000 is paid; his 50 points stay below 60.
    expect(shape(await build(t, program.id, { minAmount: { points: 60 } }))).toEqual({ data: [[max.id, 'EUR', 2000, 1]], skipped: [[max.id, 'points', 50, 'below_minimum']] });
    // A minimum of 0 is 1; an empty object is the default.
    expect(shape(await build(t, program.id, { minAmount: { points: 0 } }))).toEqual({ data: [[max.id, 'points', 50, 1]], skipped: [] });
    expect(shape(await build(t, program.id, { minAmount: {} }))).toEqual({ data: [], skipped: [] });
  });

  it('currency codes in minAmount and in adjustments are read in any case; other unit names as sent', async () => {
    const { t, program, jane, max } = await world();
    // "eur" is EUR: Max's adjustment joins his EUR money, in the same payout.
    const adj = await t.json('POST', `/v1/partners/${max.id}/adjustments`, { amount: 4000, unit: 'eur', reason: 'launch bonus' });
    expect([adj.status, adj.body.unit, adj.body.amount]).toEqual([201, 'EUR', 4000]);
    const stored = await rawClient(t).execute({ sql: 'select unit, amount from commissions where id = ?', args: [adj.body.id] });
    expect(stored.rows.map((r) => [r.unit, r.amount])).toEqual([['EUR', 4000]]);
    const r = await build(t, program.id, { minAmount: { eur: 5000, points: 60 } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(shape(r)).toEqual({
      data: [[jane.id, 'EUR', 6000, 2], [jane.id, 'points', 100, 2], [max.id, 'EUR', 6000, 2]].sort(),
      skipped: [[max.id, 'points', 50, 'below_minimum']],
    });
    // "Points" is not "points": a unit name is case-sensitive, so the program never used it.
    expect((await build(t, program.id, { minAmount: { Points: 1 } })).body.error).toMatchObject({ field: 'minAmount.Points', reason: 'unknown_unit' });
  });

  it('combined with partnerId, and a unit known only from a manual adjustment', async () => {
    const { t, program, jane, max } = await world();
    await t.json('POST', `/v1/partners/${max.id}/adjustments`, { amount: 7, unit: 'MB', reason: 'data bonus' });
    const r = await build(t, program.id, { partnerId: max.id, minAmount: { MB: 10, EUR: 1000 } });
    expect(shape(r)).toEqual({ data: [[max.id, 'EUR', 2000, 1], [max.id, 'points', 50, 1]].sort(), skipped: [[max.id, 'MB', 7, 'below_minimum']] });
    expect(await claimed(t)).toBe(2);
    expect(jane.id).toBeTruthy();
  });

  it('refuses bad options with 422 (or 400) and writes nothing', async () => {
    const { t, program } = await world();
    const cases: [unknown, number, string?][] = [
      [{ minAmount: { USD: 100 } }, 422, 'minAmount.USD'], // a currency the program never used
      [{ minAmount: { point: 100 } }, 422, 'minAmount.point'], // a typo of points
      [{ minAmount: { EUR: 100, MB: 5 } }, 422, 'minAmount.MB'],
      [{ minAmount: { usd: 100 } }, 422, 'minAmount.USD'], // any case; named as the code
      [{ minAmount: { eur: 100, EUR: 200 } }, 422, 'minAmount'], // one unit twice
      [{ minAmount: { '\u0131sk': 100 } }, 422, 'minAmount'], // not ASCII, not ISK
      [{ minAmount: { EUR: -1 } }, 422, 'minAmount'],
      [{ minAmount: -1 }, 422, 'minAmount'],
      [{ minAmount: { EUR: 1.5 } }, 422, 'minAmount'],
      [{ minAmount: { EUR: '100' } }, 422, 'minAmount'],
      [{ minAmount: [100] }, 422, 'minAmount'],
      [{ minAmount: null }, 422, 'minAmount'],
      [{ minAmount: { 'E UR': 1 } }, 422, 'minAmount'],
      [{ minAmount: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`u${i}`, 1])) }, 422, 'minAmount'],
      [{ partnerId: '' }, 422, 'partnerId'],
      [{ partnerId: 5 }, 422, 'partnerId'],
      [{ minAmount: 1, extra: true }, 422],
    ];
    for (const [body, status, field] of cases) {
      const r = await build(t, program.id, body);
      expectApiError(r, status, 'validation_failed');
      // A unit the program never used names itself (reason unknown_unit); a malformed minimum is on minAmount (or its unit).
      if (field?.startsWith('minAmount.')) expect(r.body.error).toMatchObject({ field, reason: 'unknown_unit' });
      else if (field) expect(r.body.error.field, JSON.stringify(body)).toMatch(new RegExp(`^${field}(\\.|$)`));
    }
    expect(await payoutRows(t)).toBe(0);
    expect(await claimed(t)).toBe(0);
  });
});

describe('GET /v1/programs/:id/payouts?status=', () => {
  it('filters pending, paid and canceled; an unknown status is 422', async () => {
    const { t, program, jane, max } = await world();
    const built = (await build(t, program.id, { minAmount: { points: 1000 } })).body.data as any[];
    const [pj, pm] = [built.find((p) => p.partnerId === jane.id), built.find((p) => p.partnerId === max.id)];
    await t.json('POST', `/v1/payouts/${pj.id}/mark-paid`, { reference: 'R1' });
    await t.json('POST', `/v1/payouts/${pm.id}/cancel`, {});
    t.advance(1000);
    const [again] = (await build(t, program.id, { partnerId: max.id, minAmount: { points: 1000 } })).body.data;
    const list = async (q: string) => {
      const r = await t.json('GET', `/v1/programs/${program.id}/payouts${q}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return (r.body.data as any[]).map((p) => p.id);
    };
    expect(await list('')).toEqual([again.id, ...[pj.id, pm.id].sort().reverse()]);
    expect(await list('?status=pending')).toEqual([again.id]);
    expect(await list('?status=paid')).toEqual([pj.id]);
    expect(await list('?status=canceled')).toEqual([pm.id]);
    expect(await list(`?status=canceled&partnerId=${jane.id}`)).toEqual([]);
    expect(await list(`?status=pending&partnerId=${max.id}`)).toEqual([again.id]);
    // Paging within a status.
    const first = await t.json('GET', `/v1/programs/${program.id}/payouts?status=pending&limit=1`);
    expect(first.body.nextCursor).toBeNull();
    for (const bad of ['approved', 'PAID', '', 'cancelled']) {
      expectApiError(await t.json('GET', `/v1/programs/${program.id}/payouts?status=${bad}`), 422, 'validation_failed', 'status');
    }
    // An empty partner filter is refused like the commissions list's (it was a 404 Partner).
    expectApiError(await t.json('GET', `/v1/programs/${program.id}/payouts?partnerId=`), 422, 'validation_failed', 'partnerId');
  });
});
