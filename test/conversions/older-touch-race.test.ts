import { describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app';
import { clickIdOf, visit } from '../foundation/support';
import { errorText } from '../../src/db/client';
import { executeBatch } from '../../src/db/statements';
import { insertOlderTouchStatement, isOlderTouchConflict } from '../../src/db/queries/attribution-history';
import { addPartner, days, lead, setup } from './support';

// Older touches inserted into the history's past by leads at the same time: the insert is conditional
// on the neighbouring rows the lead read, so the outcome is that of the leads one after the other.

async function click(t: TestApp, code: string, ip: string): Promise<string> {
  const res = await visit(t, `/${code}`, { 'x-forwarded-for': ip });
  expect(res.status).toBe(302);
  return clickIdOf(res)!;
}

async function history(t: TestApp) {
  return (await t.db.$client.execute('select partner_id, at from attribution_history order by at, id')).rows.map((r) => [r.partner_id, r.at]);
}

/** A on day 1, B on day 9 (both by click); C clicked on days 5 and 6, D on day 7; now day 11. */
async function scenario() {
  const { t, program, partner: a } = await setup({ attribution: { model: 'last_click', windowDays: 30 }, holdDays: 0 });
  const b = await addPartner(t, program.id, 'Bob', 'bob@partner.test');
  const c = await addPartner(t, program.id, 'Cy', 'cy@partner.test');
  const d = await addPartner(t, program.id, 'Dee', 'dee@partner.test');
  t.setNow(days(1));
  await lead(t, { clickId: await click(t, a.code, '10.0.0.1'), customer: { externalId: 'c1' } });
  t.setNow(days(5));
  const c5 = await click(t, c.code, '10.0.0.2');
  t.setNow(days(6));
  const c6 = await click(t, c.code, '10.0.0.3');
  t.setNow(days(7));
  const d7 = await click(t, d.code, '10.0.0.4');
  t.setNow(days(9));
  await lead(t, { clickId: await click(t, b.code, '10.0.0.5'), customer: { externalId: 'c1' }, eventName: 'moved' });
  t.setNow(days(11));
  return { t, program, a, b, c, d, c5, c6, d7 };
}

const leadAt = (t: TestApp, clickId: string, eventName: string, day: number) =>
  t.json('POST', '/v1/track/lead', { clickId, customer: { externalId: 'c1' }, eventName, occurredAt: days(day).toISOString() });

describe('older touches recorded by concurrent leads', () => {
  it('two leads with the same click of C at once: both are C’s, one row', async () => {
    const { t, a, b, c, c5 } = await scenario();
    const rs = await Promise.all([leadAt(t, c5, 'x', 5), leadAt(t, c5, 'y', 5)]);
    expect(rs.map((r) => [r.status, r.body.event.partnerId])).toEqual([
      [200, c.id],
      [200, c.id],
    ]);
    expect(await history(t)).toEqual([
      [a.id, days(1).getTime()],
      [c.id, days(5).getTime()],
      [b.id, days(9).getTime()],
    ]);
  });

  it('C’s click of day 5 and D’s of day 7 at once: both recorded, each lead its own partner’s', async () => {
    const { t, a, b, c, d, c5, d7 } = await scenario();
    const rs = await Promise.all([leadAt(t, c5, 'x', 5), leadAt(t, d7, 'y', 7)]);
    expect(rs.map((r) => [r.status, r.body.event.partnerId])).toEqual([
      [200, c.id],
      [200, d.id],
    ]);
    expect(await history(t)).toEqual([
      [a.id, days(1).getTime()],
      [c.id, days(5).getTime()],
      [d.id, days(7).getTime()],
      [b.id, days(9).getTime()],
    ]);
  });

  it('C’s clicks of days 5 and 6 at once: one row of C (the second lead sees the first as its neighbour), both leads C’s', async () => {
    const { t, a, b, c, c5, c6 } = await scenario();
    const rs = await Promise.all([leadAt(t, c5, 'x', 5), leadAt(t, c6, 'y', 6)]);
    expect(rs.map((r) => [r.status, r.body.event.partnerId])).toEqual([
      [200, c.id],
      [200, c.id],
    ]);
    const rows = await history(t);
    expect(rows.length).toBe(3);
    expect([rows[0], rows[2]]).toEqual([
      [a.id, days(1).getTime()],
      [b.id, days(9).getTime()],
    ]);
    expect(rows[1]![0]).toBe(c.id);
  });
});

describe('insertOlderTouchStatement on libSQL', () => {
  const base = { programId: 'prg_x', customerId: 'cus_x', linkId: null, clickId: null, createdAt: new Date() };
  const row = (id: string, partnerId: string, day: number) => ({ ...base, id, partnerId, at: days(day) });

  it('inserts between the rows it was decided against; a stale neighbour fails the batch as a retryable conflict', async () => {
    const { t } = await setup();
    await executeBatch(t.db, [insertOlderTouchStatement(row('ath_a', 'ptn_a', 1), null, null), insertOlderTouchStatement(row('ath_b', 'ptn_b', 9), 'ath_a', null)]);
    await executeBatch(t.db, [insertOlderTouchStatement(row('ath_c', 'ptn_c', 5), 'ath_a', 'ath_b')]);
    // D on day 7 decided before C was recorded (between A and B): C is now its neighbour.
    const err = await executeBatch(t.db, [insertOlderTouchStatement(row('ath_d', 'ptn_d', 7), 'ath_a', 'ath_b')]).then(() => null, (e) => e);
    expect(err).not.toBeNull();
    expect(isOlderTouchConflict(errorText(err))).toBe(true);
    // Decided after B's row appeared after it: stale too.
    const err2 = await executeBatch(t.db, [insertOlderTouchStatement(row('ath_e', 'ptn_e', 3), 'ath_a', null)]).then(() => null, (e) => e);
    expect(isOlderTouchConflict(errorText(err2))).toBe(true);
    // The same (customer, at, partner) again, with its row as the neighbour before it: nothing added.
    await executeBatch(t.db, [insertOlderTouchStatement(row('ath_c2', 'ptn_c', 5), 'ath_c', 'ath_b')]);
    const ids = (await t.db.$client.execute("select id from attribution_history where customer_id = 'cus_x' order by at")).rows.map((r) => r.id);
    expect(ids).toEqual(['ath_a', 'ath_c', 'ath_b']);
  });
});
