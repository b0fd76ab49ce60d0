import { describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app';
import { clickIdOf, visit } from '../foundation/support';
import { addPartner, days, setup } from './support';

// Review of the attribution history: leads that move one customer at the same time must leave the
// history's latest row equal to the customer's attribution (the customer write is conditional on
// what was read, and the history row is in its batch, so a lost race rolls both back and retries).

async function click(t: TestApp, code: string, ip: string): Promise<string> {
  const res = await visit(t, `/${code}`, { 'x-forwarded-for': ip });
  expect(res.status).toBe(302);
  return clickIdOf(res)!;
}

describe('attribution history under concurrent leads', () => {
  it('B and C take over c1 at once, and A’s newer click at once: history and customer agree', async () => {
    const { t, program, partner: a } = await setup({ attribution: { model: 'last_click', windowDays: 30 }, holdDays: 0 });
    const b = await addPartner(t, program.id, 'Bob', 'bob@partner.test');
    const c = await addPartner(t, program.id, 'Cy', 'cy@partner.test');
    t.setNow(days(1));
    const first = await t.json('POST', '/v1/track/lead', { clickId: await click(t, a.code, '10.0.0.1'), customer: { externalId: 'c1' } });
    expect(first.status).toBe(200);
    t.setNow(days(5));
    const aAgain = await click(t, a.code, '10.0.0.2');
    const bClick = await click(t, b.code, '10.0.0.3');
    t.setNow(days(6));
    const cClick = await click(t, c.code, '10.0.0.4');
    const results = await Promise.all([
      t.json('POST', '/v1/track/lead', { clickId: bClick, customer: { externalId: 'c1' }, eventName: 'b' }),
      t.json('POST', '/v1/track/lead', { clickId: cClick, customer: { externalId: 'c1' }, eventName: 'c' }),
      t.json('POST', '/v1/track/lead', { clickId: aAgain, customer: { externalId: 'c1' }, eventName: 'a' }),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    const customer = (await t.db.$client.execute("select partner_id, link_id, click_id, attributed_at from customers where external_id = 'c1'")).rows[0]!;
    const latest = (await t.db.$client.execute('select partner_id, link_id, click_id, at from attribution_history order by at desc limit 1')).rows[0]!;
    expect([latest.partner_id, latest.link_id, latest.click_id, latest.at]).toEqual([customer.partner_id, customer.link_id, customer.click_id, customer.attributed_at]);
    expect(customer.partner_id).toBe(c.id); // C's click is the newest
    const rows = (await t.db.$client.execute('select partner_id from attribution_history order by at')).rows.map((r) => r.partner_id);
    expect(rows[0]).toBe(a.id);
    expect(rows.at(-1)).toBe(c.id);
  });
});
