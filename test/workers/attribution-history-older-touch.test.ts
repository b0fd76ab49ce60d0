import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { errorText, schema, type Db } from '../../src/db/client';
import { executeBatch } from '../../src/db/statements';
import { insertOlderTouchStatement, isOlderTouchConflict } from '../../src/db/queries/attribution-history';
import { json } from './helpers';
import { DAY, addReward, clickThrough, commissions, program, sale } from './tracking';

const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

async function lead(body: Record<string, unknown>) {
  const r = await json('POST', '/v1/track/lead', body);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

async function partner(programId: string, name: string, email: string) {
  const r = await json('POST', `/v1/programs/${programId}/partners`, { name, email });
  expect(r.status).toBe(201);
  return r.body;
}

async function history(programId: string) {
  const rows = await env.DB.prepare('select partner_id, click_id from attribution_history where program_id = ? order by at, id').bind(programId).all();
  return rows.results.map((r) => [r.partner_id, r.click_id]);
}

// A lead's own touch older than the customer's current one goes into the history's past on D1 too:
// the conditional insert runs in the lead's batch.
describe('last_click: an older touch of a backdated lead on workerd with D1', () => {
  it('A (10 days ago) → B (2 days ago); C’s code on a lead of 6 days ago pays C; sales of 8/4/1 days ago pay A/C/B; a replay adds nothing', async () => {
    const { program: p, partner: a } = await program({ holdDays: 0, attribution: { model: 'last_click', windowDays: 30 } });
    const b = await partner(p.id, 'Bob', 'bob@partner.test');
    const c = await partner(p.id, 'Cy', 'cy@partner.test');
    await addReward(p.id, { event: 'demo', type: 'fixed', amount: 700 });
    await addReward(p.id, { event: 'sale', type: 'percent', amount: 1000 });
    await lead({ code: a.code, customer: { externalId: 'c1' }, occurredAt: ago(10) });
    await lead({ code: b.code, customer: { externalId: 'c1' }, eventName: 'trial_started', occurredAt: ago(2) });

    const body = { code: c.code, customer: { externalId: 'c1' }, eventName: 'demo', occurredAt: ago(6) };
    const demo = await json('POST', '/v1/track/lead', body);
    expect(demo.status, JSON.stringify(demo.body)).toBe(200);
    expect(demo.body.event).toMatchObject({ status: 'attributed', partnerId: c.id, linkId: c.defaultLink.id, clickId: null });
    expect(demo.body.commissions.map((x: any) => [x.partnerId, x.amount])).toEqual([[c.id, 700]]);
    expect(demo.body.customer.partnerId).toBe(b.id);
    const replay = await json('POST', '/v1/track/lead', body);
    expect(replay.body).toEqual(demo.body);
    expect(await history(p.id)).toEqual([
      [a.id, null],
      [c.id, null],
      [b.id, null],
    ]);

    const s8 = await sale(p.id, 'c1', 'ord_8', 1000, { occurredAt: ago(8) });
    const s4 = await sale(p.id, 'c1', 'ord_4', 2000, { occurredAt: ago(4) });
    const s1 = await sale(p.id, 'c1', 'ord_1', 4000, { occurredAt: ago(1) });
    expect([s8, s4, s1].map((s) => s.commissions.map((x: any) => [x.partnerId, x.amount]))).toEqual([[[a.id, 100]], [[c.id, 200]], [[b.id, 400]]]);
    expect((await commissions(p.id)).length).toBe(4);
  });

  it('C’s click, used only after B took over: the lead is B’s, the history gains C at the click, and a sale just after the click is C’s', async () => {
    const { program: p, partner: a } = await program({ holdDays: 0, attribution: { model: 'last_click', windowDays: 30 } });
    const b = await partner(p.id, 'Bob', 'bob@partner.test');
    const c = await partner(p.id, 'Cy', 'cy@partner.test');
    await addReward(p.id, { event: 'sale', type: 'fixed', amount: 300 });
    await lead({ code: a.code, customer: { externalId: 'c2' }, occurredAt: ago(10) });
    const cClick = await clickThrough(c.code);
    const clickAt = (await env.DB.prepare('select created_at from clicks where id = ?').bind(cClick).first<{ created_at: number }>())!.created_at;
    await lead({ code: b.code, customer: { externalId: 'c2' }, eventName: 'trial_started', occurredAt: new Date(clickAt + 60_000).toISOString() });
    const demo = await lead({ clickId: cClick, customer: { externalId: 'c2' }, eventName: 'demo', occurredAt: new Date(clickAt + 120_000).toISOString() });
    expect(demo.event).toMatchObject({ status: 'attributed', partnerId: b.id });
    expect(await history(p.id)).toEqual([
      [a.id, null],
      [c.id, cClick],
      [b.id, null],
    ]);
    const s = await sale(p.id, 'c2', 'ord_c', 5000, { occurredAt: new Date(clickAt + 30_000).toISOString() });
    expect(s.event).toMatchObject({ partnerId: c.id, clickId: cClick });
    expect(s.commissions.map((x: any) => [x.partnerId, x.amount])).toEqual([[c.id, 300]]);
  });
});

describe('insertOlderTouchStatement on D1', () => {
  it('a stale neighbour fails the batch with an error the conversion retries on; the same touch twice adds nothing', async () => {
    const db = drizzle(env.DB, { schema }) as unknown as Db;
    const base = { programId: 'prg_ot', customerId: 'cus_ot', linkId: null, clickId: null, createdAt: new Date() };
    const row = (id: string, partnerId: string, day: number) => ({ ...base, id, partnerId, at: new Date(Date.UTC(2026, 2, day)) });
    await executeBatch(db, [insertOlderTouchStatement(row('ath_ot_a', 'ptn_a', 1), null, null), insertOlderTouchStatement(row('ath_ot_b', 'ptn_b', 9), 'ath_ot_a', null)]);
    await executeBatch(db, [insertOlderTouchStatement(row('ath_ot_c', 'ptn_c', 5), 'ath_ot_a', 'ath_ot_b')]);
    const err = await executeBatch(db, [insertOlderTouchStatement(row('ath_ot_d', 'ptn_d', 7), 'ath_ot_a', 'ath_ot_b')]).then(() => null, (e) => e);
    expect(err).not.toBeNull();
    expect(isOlderTouchConflict(errorText(err))).toBe(true);
    await executeBatch(db, [insertOlderTouchStatement(row('ath_ot_c2', 'ptn_c', 5), 'ath_ot_c', 'ath_ot_b')]);
    const rows = await env.DB.prepare("select id from attribution_history where customer_id = 'cus_ot' order by at").all();
    expect(rows.results.map((r) => r.id)).toEqual(['ath_ot_a', 'ath_ot_c', 'ath_ot_b']);
  });
});
