import { describe, expect, it } from 'vitest';
import { fullSnapshot, tableNames } from '../reliability/support';
import { addReward, leadByCode, sale, setup, T0 } from './support';

// occurredAt is accepted from 2000-01-01T00:00:00.000Z up to 5 minutes after the server clock,
// both ends included, on every tracking route; anything else is a 422 naming the field, no write.
const FIRST = '2000-01-01T00:00:00.000Z';
const JUST_BEFORE = '1999-12-31T23:59:59.999Z';

describe('occurredAt range on tracking calls', () => {
  it.each([
    ['year 0000', '0000-01-01T00:00:00Z'],
    ['year 0001', '0001-01-01T00:00:00Z'],
    ['the unix epoch (a missing timestamp)', '1970-01-01T00:00:00.000Z'],
    ['1 ms before 2000', JUST_BEFORE],
    ['1 ms before 2000 written with an offset', '2000-01-01T00:59:59.999+01:00'],
  ])('%s is a 422 on lead, sale, event and refund and writes nothing', async (_, occurredAt) => {
    const { t, program, partner } = await setup();
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000 });
    await leadByCode(t, partner.code, 'c1');
    await sale(t, program.id, 'c1', 5000, { externalId: 'ord_ok' });
    const tables = await tableNames(t);
    const before = await fullSnapshot(t, tables);
    const calls: [string, Record<string, unknown>][] = [
      ['/v1/track/lead', { code: partner.code, customer: { externalId: 'c2' } }],
      ['/v1/track/sale', { programId: program.id, customerExternalId: 'c1', externalId: 'ord_2', amount: 5000, currency: 'EUR' }],
      ['/v1/track/event', { programId: program.id, customerExternalId: 'c1', eventName: 'demo_requested' }],
      ['/v1/track/refund', { programId: program.id, saleExternalId: 'ord_ok', externalId: 're_1' }],
    ];
    for (const [path, body] of calls) {
      const r = await t.json('POST', path, { ...body, occurredAt });
      expect(r.status, `${path}: ${JSON.stringify(r.body)}`).toBe(422);
      expect(r.body.error).toMatchObject({
        code: 'validation_failed',
        field: 'occurredAt',
        reason: 'occurred_too_early',
        message: 'occurredAt: must not be before 2000-01-01T00:00:00.000Z',
      });
    }
    expect(await fullSnapshot(t, tables)).toEqual(before);
  });

  it('accepts exactly 2000-01-01T00:00:00.000Z and exactly 5 minutes ahead; 1 ms more ahead is 422 occurred_in_future', async () => {
    const { t, program, partner } = await setup();
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000 });
    const first = await leadByCode(t, partner.code, 'c1', { occurredAt: FIRST });
    expect([first.event.status, first.event.occurredAt]).toEqual(['attributed', FIRST]);
    const s = await sale(t, program.id, 'c1', 5000, { occurredAt: '2000-01-01T01:00:00+01:00' });
    expect([s.event.status, s.event.occurredAt, s.commissions.map((c: any) => c.amount)]).toEqual(['attributed', FIRST, [1000]]);

    const edge = new Date(T0.getTime() + 5 * 60_000).toISOString();
    const ahead = new Date(T0.getTime() + 5 * 60_000 + 1).toISOString();
    // Posted directly: the sale() helper would move the clock up to a future occurredAt.
    const late = await t.json('POST', '/v1/track/sale', { programId: program.id, customerExternalId: 'c1', externalId: 'ord_edge', amount: 5000, currency: 'EUR', occurredAt: edge });
    expect(late.status).toBe(200);
    expect([late.body.event.occurredAt, late.body.commissions.map((c: any) => c.amount)]).toEqual([edge, [1000]]);
    const r = await t.json('POST', '/v1/track/sale', { programId: program.id, customerExternalId: 'c1', externalId: 'ord_x', amount: 5000, currency: 'EUR', occurredAt: ahead });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'validation_failed', field: 'occurredAt', reason: 'occurred_in_future' });
    const list = await t.json('GET', `/v1/events?programId=${program.id}`);
    expect(list.body.data.length).toBe(3);
  });
});
