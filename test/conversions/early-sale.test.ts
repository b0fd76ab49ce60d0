import { describe, expect, it } from 'vitest';
import { clickIdOf, rawClient, visit } from '../foundation/support';
import type { TestApp } from '../helpers/app';
import { rebuildRollups } from '../../src/reports/rebuild-rollups';
import { EARLY_EVENTS_PER_CALL } from '../../src/conversions/reattribute-early-events';
import { addPartner, addReward, balance, commissions, customEvent, events, leadByCode, refund, sale, setup } from './support';

// A checkout webhook that beats the sign-up call: the sale is recorded unattributed
// (unknown_customer); the lead that then attributes the customer credits it, once.

async function clickOf(t: TestApp, code: string) {
  const id = clickIdOf(await visit(t, `/${code}`));
  expect(id).toMatch(/^clk_/);
  return id!;
}

async function lead(t: TestApp, body: Record<string, unknown>) {
  const r = await t.json('POST', '/v1/track/lead', body);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

async function report(t: TestApp, programId: string, groupBy = 'partner') {
  const r = await t.json('GET', `/v1/programs/${programId}/report?from=2026-02-20&to=2026-03-31&groupBy=${groupBy}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

const snapshot = async (t: TestApp, table: string) =>
  (await rawClient(t).execute(`select * from ${table} order by program_id, dim, day, partner_id, key${table.includes('commission') ? ', unit' : ''}`)).rows.map((r) => ({ ...r }));

/** Rollups written on the way equal a recount from raw rows: nothing counted twice or left out. */
async function expectRollupsEqualRecount(t: TestApp, programId: string) {
  const written = [await snapshot(t, 'daily_rollups'), await snapshot(t, 'daily_commission_rollups')];
  await rebuildRollups(t.db, programId);
  expect([await snapshot(t, 'daily_rollups'), await snapshot(t, 'daily_commission_rollups')]).toEqual(written);
}

describe('a sale recorded before its customer’s lead', () => {
  it('is attributed and rewarded when the lead with a click arrives; events list, replay, reports and rollups follow', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 1000 });
    await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 300 });
    const clickId = await clickOf(t, partner.code);
    t.advance(1000);
    const body = { programId: program.id, customerExternalId: 'late1', externalId: 'ord_early', amount: 20000, currency: 'EUR' };
    const early = await t.json('POST', '/v1/track/sale', body);
    expect(early.body.event).toMatchObject({ status: 'unattributed', reason: 'unknown_customer', partnerId: null });
    expect(early.body.commissions).toEqual([]);
    expect((await report(t, program.id)).totals).toMatchObject({ leads: 0, sales: 0, revenue: 0, commissions: [] });

    t.advance(1000);
    const l = await lead(t, { clickId, customer: { externalId: 'late1' } });
    expect(l.event).toMatchObject({ status: 'attributed', partnerId: partner.id, clickId });
    expect(l.commissions.map((c: any) => c.amount)).toEqual([300]); // the lead's own answer is unchanged

    const saleEvent = (await events(t, program.id)).find((e) => e.externalId === 'ord_early');
    expect(saleEvent).toMatchObject({ status: 'attributed', reason: null, partnerId: partner.id, linkId: partner.defaultLink.id, clickId, amount: 20000 });
    const ledger = await commissions(t, program.id);
    expect(ledger.map((c) => [c.eventId, c.amount, c.status, c.explanation])).toEqual([
      [saleEvent.id, 2000, 'approved', '10% of 20000 = 2000'],
      [l.event.id, 300, 'approved', 'fixed 300'],
    ]);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 2300, paid: 0 });

    // Replaying the sale answers its current state and books nothing more.
    const replay = await t.json('POST', '/v1/track/sale', body);
    expect(replay.status).toBe(200);
    expect(replay.body.event).toMatchObject({ id: saleEvent.id, status: 'attributed', partnerId: partner.id });
    expect(replay.body.commissions.map((c: any) => c.amount)).toEqual([2000]);
    // So does the lead, which looks again for early events and finds none.
    expect((await lead(t, { clickId, customer: { externalId: 'late1' } })).event.id).toBe(l.event.id);
    expect((await commissions(t, program.id)).length).toBe(2);

    const r = await report(t, program.id);
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]).toMatchObject({ key: partner.id, leads: 1, sales: 1, revenue: 20000, commissions: [{ unit: 'EUR', amount: 2300 }] });
    expect(r.totals).toMatchObject({ leads: 1, sales: 1, revenue: 20000, commissions: [{ unit: 'EUR', amount: 2300 }] });
    await expectRollupsEqualRecount(t, program.id);
  });

  it('sale early, refund early, then the lead: the commission and its reversal, balance 0, revenue 0', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1500 });
    const clickId = await clickOf(t, partner.code);
    t.advance(1000);
    await sale(t, program.id, 'late1', 8000, { externalId: 'ord_r' });
    t.advance(1000);
    const r1 = await refund(t, program.id, 'ord_r', 're_1');
    expect(r1.status).toBe(200);
    expect(r1.body).toMatchObject({ event: { status: 'unattributed', reason: 'unknown_customer', amount: 8000 }, commissions: [] });
    t.advance(1000);
    await lead(t, { clickId, customer: { externalId: 'late1' } });

    const ledger = await commissions(t, program.id);
    const original = ledger.find((c) => c.kind === 'commission')!;
    const reversal = ledger.find((c) => c.kind === 'reversal')!;
    expect([original.amount, original.status, reversal.amount, reversal.status, reversal.reversesId, reversal.eventId]).toEqual([1500, 'reversed', -1500, 'reversed', original.id, r1.body.event.id]);
    expect(ledger).toHaveLength(2);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 0, paid: 0 });
    const evs = await events(t, program.id);
    expect(evs.find((e) => e.type === 'refund')).toMatchObject({ status: 'attributed', reason: null, partnerId: partner.id, clickId });
    // The refund's replay shows its reversal; a second refund finds the sale fully refunded.
    const replay = await refund(t, program.id, 'ord_r', 're_1');
    expect(replay.body.commissions.map((c: any) => [c.kind, c.amount])).toEqual([['reversal', -1500]]);
    expect((await refund(t, program.id, 'ord_r', 're_2')).body.error.reason).toBe('already_refunded');

    // A unit whose entries net to 0 has no line, as for a sale refunded after its lead.
    expect((await report(t, program.id)).totals).toMatchObject({ leads: 1, sales: 1, revenue: 0, commissions: [] });
    await expectRollupsEqualRecount(t, program.id);
  });

  it('two partial early refunds book two cumulative reversals; a refund after the lead reverses the rest', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000 });
    const clickId = await clickOf(t, partner.code);
    t.advance(1000);
    await sale(t, program.id, 'late1', 3000, { externalId: 'ord_p' });
    expect((await refund(t, program.id, 'ord_p', 're_a', 1000)).status).toBe(200);
    expect((await refund(t, program.id, 'ord_p', 're_b', 1000)).status).toBe(200);
    t.advance(1000);
    await lead(t, { clickId, customer: { externalId: 'late1' } });
    expect((await commissions(t, program.id)).map((c) => [c.kind, c.amount, c.status]).sort()).toEqual([
      ['commission', 1000, 'approved'],
      ['reversal', -333, 'approved'],
      ['reversal', -333, 'approved'],
    ]);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 334, paid: 0 });
    expect((await refund(t, program.id, 'ord_p', 're_c')).status).toBe(200);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 0, paid: 0 });
    expect((await commissions(t, program.id)).map((c) => c.status)).toEqual(['reversed', 'reversed', 'reversed', 'reversed']);
    expect((await report(t, program.id)).totals).toMatchObject({ sales: 1, revenue: 0, commissions: [] });
    await expectRollupsEqualRecount(t, program.id);
  });

  it('only events dated at or after the touch qualify: by click its time, by code the lead’s occurredAt', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000 });
    await sale(t, program.id, 'c_click', 1000, { externalId: 'before_click' });
    t.advance(1000);
    const clickId = await clickOf(t, partner.code);
    await sale(t, program.id, 'c_click', 2000, { externalId: 'at_click' });
    t.advance(1000);
    await sale(t, program.id, 'c_click', 3000, { externalId: 'after_click' }); // reason no_referral: the customer exists
    await sale(t, program.id, 'c_code', 4000, { externalId: 'before_code_lead' });
    t.advance(1000);
    await lead(t, { clickId, customer: { externalId: 'c_click' } });
    await leadByCode(t, partner.code, 'c_code');

    const byExt = new Map((await events(t, program.id)).filter((e) => e.type === 'sale').map((e) => [e.externalId, [e.status, e.reason, e.partnerId]]));
    expect(Object.fromEntries(byExt)).toEqual({
      before_click: ['unattributed', 'outside_window', null],
      at_click: ['attributed', null, partner.id],
      after_click: ['attributed', null, partner.id],
      // The code's instant is the lead's occurredAt: send the sign-up's real time to credit earlier orders.
      before_code_lead: ['unattributed', 'outside_window', null],
    });
    expect((await commissions(t, program.id)).length).toBe(2);
    expect((await report(t, program.id)).totals).toMatchObject({ leads: 2, sales: 2, revenue: 5000 });
    await expectRollupsEqualRecount(t, program.id);
  });

  it('a code lead with the sign-up’s real occurredAt credits the order that arrived first; funnel steps too', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000 });
    await addReward(t, program.id, { event: 'demo_requested', type: 'fixed', amount: 200 });
    const signedUp = t.now.toISOString();
    t.advance(60_000);
    await customEvent(t, program.id, 'c1', 'demo_requested');
    await sale(t, program.id, 'c1', 5000, { externalId: 'o1' });
    t.advance(60_000);
    await leadByCode(t, partner.code, 'c1', { occurredAt: signedUp });
    expect((await commissions(t, program.id)).map((c) => c.amount).sort()).toEqual([1000, 200]);
  });

  it('counts tiers and caps as if the early sales had come after the lead', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 0, tiers: [{ upTo: 1, amount: 1000 }, { amount: 2500 }], caps: { perPartner: { amount: 4000, period: 'lifetime' } } });
    const clickId = await clickOf(t, partner.code);
    t.advance(1000);
    for (const ext of ['o1', 'o2', 'o3']) {
      await sale(t, program.id, 'c1', 5000, { externalId: ext });
      t.advance(1000);
    }
    await lead(t, { clickId, customer: { externalId: 'c1' } });
    const evs = (await events(t, program.id)).filter((e) => e.type === 'sale');
    expect(evs.map((e) => e.status)).toEqual(['attributed', 'attributed', 'attributed']);
    const ledger = await commissions(t, program.id);
    // In order of occurrence: tier 1, tier 2, then tier 2 truncated to what the cap leaves.
    expect(ledger.map((c) => c.amount).reverse()).toEqual([1000, 2500, 500]);
    // A later sale finds the cap used up, as after three sales that came after the lead.
    const o4 = await sale(t, program.id, 'c1', 5000, { externalId: 'o4' });
    expect(o4.skipped.map((s: any) => s.reason)).toEqual(['cap_reached']);
  });

  it('decided as if it arrived now: a partner suspended meanwhile makes it rejected partner_suspended; an event already decided is answered as stored', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000 });
    const clickId = await clickOf(t, partner.code);
    t.advance(1000);
    const early = await sale(t, program.id, 'c1', 5000, { externalId: 'o1' });
    // The customer got its partner without this process's lead pass (it crashed after the lead's batch).
    await rawClient(t).execute({ sql: 'update customers set partner_id = ?, link_id = ?, click_id = ?, attributed_at = ? where external_id = ?', args: [partner.id, partner.defaultLink.id, clickId, t.now.getTime() - 1000, 'c1'] });
    expect((await t.json('PATCH', `/v1/partners/${partner.id}`, { status: 'suspended' })).status).toBe(200);
    const decided = await t.json('POST', `/v1/events/${early.event.id}/attribute`, {});
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ changed: true, event: { status: 'rejected', reason: 'partner_suspended', partnerId: null }, commissions: [] });
    expect((await t.json('PATCH', `/v1/partners/${partner.id}`, { status: 'active' })).status).toBe(200);
    const again = await t.json('POST', `/v1/events/${early.event.id}/attribute`, {});
    expect(again.body).toMatchObject({ changed: false, event: { status: 'rejected', reason: 'partner_suspended' } });
    expect(await commissions(t, program.id)).toEqual([]);
    expect((await report(t, program.id)).totals).toMatchObject({ sales: 0, revenue: 0 });
  });
});

describe('replays and concurrency', () => {
  it('10 concurrent identical leads credit the early sale once', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000 });
    const clickId = await clickOf(t, partner.code);
    t.advance(1000);
    await sale(t, program.id, 'c1', 5000, { externalId: 'o1' });
    await sale(t, program.id, 'c1', 7000, { externalId: 'o2' });
    t.advance(1000);
    const answers = await Promise.all(Array.from({ length: 10 }, () => t.json('POST', '/v1/track/lead', { clickId, customer: { externalId: 'c1' } })));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(new Set(answers.map((a) => a.body.event.id)).size).toBe(1);
    expect((await commissions(t, program.id)).map((c) => c.amount)).toEqual([1000, 1000]);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 2000, paid: 0 });
    expect((await report(t, program.id)).totals).toMatchObject({ leads: 1, sales: 2, revenue: 12000, commissions: [{ unit: 'EUR', amount: 2000 }] });
    await expectRollupsEqualRecount(t, program.id);
  });

  it('10 concurrent runs of the admin route and the sale’s replay credit once', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000 });
    const clickId = await clickOf(t, partner.code);
    t.advance(1000);
    const body = { programId: program.id, customerExternalId: 'c1', externalId: 'o1', amount: 5000, currency: 'EUR' };
    const early = (await t.json('POST', '/v1/track/sale', body)).body;
    // The customer gets its partner without this process's lead pass (as if it had crashed after the lead).
    await rawClient(t).execute({ sql: 'update customers set partner_id = ?, link_id = ?, click_id = ?, attributed_at = ? where external_id = ?', args: [partner.id, partner.defaultLink.id, clickId, t.now.getTime() - 1000, 'c1'] });
    const runs = await Promise.all([
      ...Array.from({ length: 10 }, () => t.json('POST', `/v1/events/${early.event.id}/attribute`, {})),
      t.json('POST', '/v1/track/sale', body),
    ]);
    expect(runs.map((r) => r.status)).toEqual(Array(11).fill(200));
    expect(runs.slice(0, 10).filter((r) => r.body.changed).length).toBe(1);
    expect(runs.slice(0, 10).every((r) => r.body.event.status === 'attributed')).toBe(true);
    // The replay answers what was stored when it read: before or after the run that decided it.
    expect((await t.json('POST', '/v1/track/sale', body)).body.event.status).toBe('attributed');
    expect((await commissions(t, program.id)).map((c) => c.amount)).toEqual([1000]);
    await expectRollupsEqualRecount(t, program.id);
  });

  it('a sale committed after the lead read nothing: the sale decides itself (no interleaving leaves it behind)', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000 });
    await t.json('POST', '/v1/track/lead', { programId: program.id, customer: { externalId: 'c1' } }); // known, no partner
    const clickId = await clickOf(t, partner.code);
    t.advance(1000);
    // The sale reads the customer (no partner) and waits for the program lock, where an unattributed event commits.
    let open!: () => void;
    const held = t.deps.locks.run(`conv:${program.id}`, () => new Promise<void>((r) => (open = r)));
    const pending = t.json('POST', '/v1/track/sale', { programId: program.id, customerExternalId: 'c1', externalId: 'o1', amount: 5000, currency: 'EUR' });
    await new Promise((r) => setTimeout(r, 50));
    await lead(t, { clickId, customer: { externalId: 'c1' }, eventName: 'trial' }); // its pass finds no early sale
    open();
    await held;
    const s = await pending;
    expect(s.body.event).toMatchObject({ status: 'attributed', partnerId: partner.id });
    expect(s.body.commissions.map((c: any) => c.amount)).toEqual([1000]);
    expect((await commissions(t, program.id)).map((c) => c.amount)).toEqual([1000]);
  });

  it('a refund racing the lead’s pass is reversed once', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000 });
    const clickId = await clickOf(t, partner.code);
    t.advance(1000);
    await sale(t, program.id, 'c1', 5000, { externalId: 'o1' });
    t.advance(1000);
    const [l, r] = await Promise.all([lead(t, { clickId, customer: { externalId: 'c1' } }), refund(t, program.id, 'o1', 're_1', 2500)]);
    expect(l.event.status).toBe('attributed');
    expect(r.status).toBe(200);
    expect((await commissions(t, program.id)).map((c) => [c.kind, c.amount]).sort()).toEqual([
      ['commission', 1000],
      ['reversal', -500],
    ]);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 500, paid: 0 });
    await expectRollupsEqualRecount(t, program.id);
  });
});

describe('bounds and the admin route', () => {
  it(`one lead decides at most ${EARLY_EVENTS_PER_CALL} early events; its replay decides the next ones`, async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 100 });
    const clickId = await clickOf(t, partner.code);
    t.advance(1000);
    for (let i = 0; i < EARLY_EVENTS_PER_CALL + 3; i++) await sale(t, program.id, 'c1', 1000, { externalId: `o${i}` });
    t.advance(1000);
    const body = { clickId, customer: { externalId: 'c1' } };
    await lead(t, body);
    const count = async () => (await events(t, program.id)).filter((e) => e.type === 'sale' && e.status === 'attributed').length;
    expect(await count()).toBe(EARLY_EVENTS_PER_CALL);
    await lead(t, body);
    expect(await count()).toBe(EARLY_EVENTS_PER_CALL + 3);
    expect((await commissions(t, program.id)).length).toBe(EARLY_EVENTS_PER_CALL + 3);
  });

  it('POST /v1/events/:id/attribute: 404 unknown, 409 for a refund, 200 unchanged while the customer has no partner', async () => {
    const { t, program } = await setup({ holdDays: 0 });
    expect((await t.json('POST', '/v1/events/evt_nope/attribute', {})).status).toBe(404);
    const s = await sale(t, program.id, 'c1', 1000, { externalId: 'o1' });
    const r = await refund(t, program.id, 'o1', 're_1');
    const onRefund = await t.json('POST', `/v1/events/${r.body.event.id}/attribute`, {});
    expect([onRefund.status, onRefund.body.error.code, onRefund.body.error.reason]).toEqual([409, 'conflict', 'refund_follows_sale']);
    const same = await t.json('POST', `/v1/events/${s.event.id}/attribute`, {});
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ changed: false, event: { status: 'unattributed', reason: 'unknown_customer' } });
  });

  it('another partner’s program: an early sale moves only within its own program', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    const other = await t.json('POST', '/v1/programs', { name: 'Other', currency: 'EUR', defaultUrl: 'https://other.test/', allowedHosts: ['other.test'] });
    expect(other.status).toBe(201);
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000 });
    const clickId = await clickOf(t, partner.code);
    t.advance(1000);
    const elsewhere = await sale(t, other.body.id, 'c1', 5000, { externalId: 'o1' });
    t.advance(1000);
    await lead(t, { clickId, customer: { externalId: 'c1' } });
    expect((await events(t, other.body.id))[0]).toMatchObject({ id: elsewhere.event.id, status: 'unattributed', reason: 'unknown_customer' });
    expect(await commissions(t, program.id)).toEqual([]);
    void addPartner;
  });
});
