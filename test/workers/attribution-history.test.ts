import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { schema, type Db } from '../../src/db/client';
import { executeBatch } from '../../src/db/statements';
import { insertAttributionHistoryStatement } from '../../src/db/queries/attribution-history';
import { json } from './helpers';
import { DAY, addReward, commissions, program, sale } from './tracking';

const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

async function lead(body: Record<string, unknown>) {
  const r = await json('POST', '/v1/track/lead', body);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

// Migration 0014 on D1: the history row is written in the lead's batch, and a last_click sale
// backdated between two partners' touches is read back from it and paid to the earlier partner.
describe('last_click attribution history on workerd with D1', () => {
  it('A (10 days ago) → B (2 days ago): a sale of 5 days ago pays A, today’s pays B, one of 11 days ago nobody; a replay adds nothing', async () => {
    const { program: p, partner: a } = await program({ holdDays: 0, attribution: { model: 'last_click', windowDays: 30 } });
    const bRes = await json('POST', `/v1/programs/${p.id}/partners`, { name: 'Bob', email: 'bob@partner.test' });
    expect(bRes.status).toBe(201);
    const b = bRes.body;
    await addReward(p.id, { event: 'sale', type: 'percent', amount: 1000 });
    await lead({ code: a.code, customer: { externalId: 'c1' }, occurredAt: ago(10) });
    const moved = await lead({ code: b.code, customer: { externalId: 'c1' }, eventName: 'trial_started', occurredAt: ago(2) });
    expect(moved.customer.partnerId).toBe(b.id);

    const body = { programId: p.id, customerExternalId: 'c1', externalId: 'ord_back', amount: 5000, currency: 'USD', occurredAt: ago(5) };
    const backdated = await json('POST', '/v1/track/sale', body);
    expect(backdated.status, JSON.stringify(backdated.body)).toBe(200);
    expect(backdated.body.event).toMatchObject({ status: 'attributed', partnerId: a.id, linkId: a.defaultLink.id });
    expect(backdated.body.commissions.map((c: any) => [c.partnerId, c.amount])).toEqual([[a.id, 500]]);
    const replay = await json('POST', '/v1/track/sale', body);
    expect(replay.body).toEqual(backdated.body);

    const today = await sale(p.id, 'c1', 'ord_today', 8000);
    expect(today.commissions.map((c: any) => [c.partnerId, c.amount])).toEqual([[b.id, 800]]);
    const early = await sale(p.id, 'c1', 'ord_early', 3000, { occurredAt: ago(11) });
    expect(early.event).toMatchObject({ status: 'unattributed', reason: 'outside_window', partnerId: null });

    expect((await commissions(p.id)).map((c: any) => [c.partnerId, c.amount]).sort((x, y) => x[1] - y[1])).toEqual([
      [a.id, 500],
      [b.id, 800],
    ]);
    const history = await env.DB.prepare('select partner_id from attribution_history where program_id = ? order by at').bind(p.id).all();
    expect(history.results.map((r) => r.partner_id)).toEqual([a.id, b.id]);
  });
});

describe('attribution history upsert on D1', () => {
  it('a newer click of the same partner (same customer, at, partner) moves the row’s link and click, adds no row', async () => {
    const db = drizzle(env.DB, { schema }) as unknown as Db;
    const at = new Date(Date.now() - 5 * DAY);
    const row = { programId: 'prg_up', customerId: 'cus_up', partnerId: 'ptn_a', at, createdAt: new Date() };
    await executeBatch(db, [insertAttributionHistoryStatement(db, { ...row, id: 'ath_up1', linkId: 'lnk_1', clickId: 'clk_1' })]);
    await executeBatch(db, [insertAttributionHistoryStatement(db, { ...row, id: 'ath_up2', linkId: 'lnk_2', clickId: 'clk_2' })]);
    const rows = await env.DB.prepare("select id, link_id, click_id, at from attribution_history where customer_id = 'cus_up'").all();
    expect(rows.results).toEqual([{ id: 'ath_up1', link_id: 'lnk_2', click_id: 'clk_2', at: at.getTime() }]);
  });
});
