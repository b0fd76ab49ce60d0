import { describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app';
import { clickIdOf, expectApiError, visit } from '../foundation/support';
import type { CapturedClick } from '../../src/clicks/click-sink';
import { recordClicks } from '../../src/clicks/record-clicks';
import { newClickId } from '../../src/lib/ids';
import { catchUp, addPartner, addReward, commissions, days, events, leadByCode, sale, setup, T0 } from './support';

/** A click on the partner's default link at the app's current time; returns its id. */
async function click(t: TestApp, code: string): Promise<string> {
  const res = await visit(t, `/${code}`);
  expect(res.status).toBe(302);
  const id = clickIdOf(res);
  expect(id).toMatch(/^clk_/);
  return id!;
}

async function leadByClick(t: TestApp, clickId: string, externalId: string, extra: Record<string, unknown> = {}) {
  catchUp(t, extra);
  const r = await t.json('POST', '/v1/track/lead', { clickId, customer: { externalId }, ...extra });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

describe('attribution by click id', () => {
  it('a lead within the window after the click is attributed to the click, its link and partner', async () => {
    const { t, program, partner } = await setup();
    await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 700 });
    const clickId = await click(t, partner.code);
    t.setNow(days(29));
    const r = await leadByClick(t, clickId, 'cus_1');
    expect(r.event).toMatchObject({ status: 'attributed', reason: null, partnerId: partner.id, linkId: partner.defaultLink.id, clickId, type: 'lead', name: 'lead' });
    expect(r.customer).toEqual({ id: expect.stringMatching(/^cus_/), externalId: 'cus_1', partnerId: partner.id });
    expect(r.commissions.map((c: any) => [c.partnerId, c.amount])).toEqual([[partner.id, 700]]);
  });

  it('exactly at the end of the window still counts; one millisecond later is outside_window', async () => {
    const { t, partner } = await setup({ attribution: { windowDays: 7 } });
    const clickId = await click(t, partner.code);
    const edge = await leadByClick(t, clickId, 'cus_edge', { occurredAt: days(7).toISOString() });
    expect(edge.event.status).toBe('attributed');
    const late = await leadByClick(t, clickId, 'cus_late', { occurredAt: new Date(days(7).getTime() + 1).toISOString() });
    expect(late.event).toMatchObject({ status: 'unattributed', reason: 'outside_window', partnerId: null, clickId: null });
    expect(late.customer.partnerId).toBeNull();
  });

  it('a lead after the window is outside_window and earns nothing', async () => {
    const { t, program, partner } = await setup();
    await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 700 });
    const clickId = await click(t, partner.code);
    t.setNow(days(31));
    const r = await leadByClick(t, clickId, 'cus_1');
    expect(r.event).toMatchObject({ status: 'unattributed', reason: 'outside_window', partnerId: null });
    expect(r.commissions).toEqual([]);
    expect(await commissions(t, program.id)).toEqual([]);
  });

  it('a lead that occurred before the click is outside_window', async () => {
    const { t, partner } = await setup();
    t.setNow(days(1));
    const clickId = await click(t, partner.code);
    const r = await leadByClick(t, clickId, 'cus_1', { occurredAt: T0.toISOString() });
    expect(r.event).toMatchObject({ status: 'unattributed', reason: 'outside_window', partnerId: null });
  });

  it('an unknown click id needs programId (422 unknown_click) and is then recorded unattributed', async () => {
    const { t, program } = await setup();
    const noProgram = await t.json('POST', '/v1/track/lead', { clickId: 'clk_doesnotexist', customer: { externalId: 'cus_1' } });
    expectApiError(noProgram, 422, 'validation_failed', 'programId');
    expect(noProgram.body.error.reason).toBe('unknown_click');
    expect(await events(t, program.id)).toEqual([]);

    const r = await leadByClick(t, 'clk_doesnotexist', 'cus_1', { programId: program.id });
    expect(r.event).toMatchObject({ status: 'unattributed', reason: 'unknown_click', partnerId: null });
    expect(await events(t, program.id)).toHaveLength(1);
  });

  it('a lead whose click was just minted elsewhere and is not stored yet is 409 click_pending (nothing written) until it lands', async () => {
    const { t, program, partner } = await setup();
    // Minted by another process or isolate a second ago: its write is still on the way.
    const clickId = newClickId(t.now.getTime() - 1_000);
    // The same Idempotency-Key is retried below: a pending answer must not be stored as the result.
    const key = { 'idempotency-key': 'lead-cus_1' };
    for (const body of [{ clickId }, { clickId, programId: program.id }]) {
      const r = await t.json('POST', '/v1/track/lead', { ...body, customer: { externalId: 'cus_1' } }, key);
      expectApiError(r, 409, 'conflict', 'clickId');
      expect(r.body.error.reason).toBe('click_pending');
      expect(r.res.headers.get('retry-after')).toBe('2');
    }
    expect(await events(t, program.id)).toEqual([]);
    const landed: CapturedClick = {
      id: clickId, at: new Date(t.now.getTime() - 1_000), linkId: partner.defaultLink.id, programId: program.id, partnerId: partner.id, dedupWindowSeconds: 3600,
      ip: '203.0.113.1', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0', referer: null, purpose: null, landingUrl: 'https://ref.test/x', country: 'DE',
    };
    expect(await recordClicks(t.db, [landed], 'test-salt')).toBe(1);
    const r = await t.json('POST', '/v1/track/lead', { clickId, programId: program.id, customer: { externalId: 'cus_1' } }, key);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.event).toMatchObject({ status: 'attributed', reason: null, clickId, partnerId: partner.id, linkId: partner.defaultLink.id });
  });

  it('a click id minted more than five minutes ago (or ahead of the clock by more than a minute) and never stored is unknown_click', async () => {
    const { t, program } = await setup();
    for (const [i, at] of [t.now.getTime() - 5 * 60_000, t.now.getTime() + 61_000].entries()) {
      const r = await leadByClick(t, newClickId(at), `cus_${i}`, { programId: program.id });
      expect(r.event).toMatchObject({ status: 'unattributed', reason: 'unknown_click', partnerId: null });
    }
  });

  it('a click with a programId of another program is 422 program_mismatch', async () => {
    const { t, partner } = await setup();
    const clickId = await click(t, partner.code);
    const r = await t.json('POST', '/v1/track/lead', { clickId, programId: 'prg_other', customer: { externalId: 'cus_1' } });
    expectApiError(r, 422, 'validation_failed', 'programId');
    expect(r.body.error.reason).toBe('program_mismatch');
  });
});

describe('attribution by referral code', () => {
  it('a code attributes to the partner and its link (case-insensitive)', async () => {
    const { t, program, partner } = await setup();
    const r = await leadByCode(t, partner.code.toUpperCase(), 'cus_1');
    expect(r.event).toMatchObject({ status: 'attributed', reason: null, partnerId: partner.id, linkId: partner.defaultLink.id, clickId: null, programId: program.id });
  });

  it('an unknown code without programId is 422 unknown_code; with programId it is recorded unattributed', async () => {
    const { t, program } = await setup();
    const r = await t.json('POST', '/v1/track/lead', { code: 'nope-nope', customer: { externalId: 'cus_1' } });
    expectApiError(r, 422, 'validation_failed', 'programId');
    expect(r.body.error.reason).toBe('unknown_code');
    const ok = await t.json('POST', '/v1/track/lead', { code: 'nope-nope', programId: program.id, customer: { externalId: 'cus_1' } });
    expect(ok.status).toBe(200);
    expect(ok.body.event).toMatchObject({ status: 'unattributed', reason: 'unknown_code' });
  });
});

describe('fraud rules', () => {
  it('self-referral: jane@gmail.com referring j.a.n.e+ref@googlemail.com is rejected, no commission', async () => {
    const { t, program } = await setup();
    await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 700 });
    await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 2000 });
    const jane = await addPartner(t, program.id, 'Jane G', 'jane@gmail.com');
    const r = await t.json('POST', '/v1/track/lead', { code: jane.code, customer: { externalId: 'cus_me', email: 'j.a.n.e+ref@googlemail.com' } });
    expect(r.status).toBe(200);
    expect(r.body.event).toMatchObject({ status: 'rejected', reason: 'self_referral', partnerId: null });
    expect(r.body.customer.partnerId).toBeNull();
    expect(r.body.commissions).toEqual([]);
    // Nor does the customer's later sale pay anyone.
    const s = await sale(t, program.id, 'cus_me', 10000);
    expect(s.event).toMatchObject({ status: 'unattributed', reason: 'no_referral' });
    expect(await commissions(t, program.id)).toEqual([]);
  });

  it('a suspended partner: new leads are rejected partner_suspended; sales of their customers too', async () => {
    const { t, program, partner } = await setup();
    await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 700 });
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1500 });
    await leadByCode(t, partner.code, 'cus_before');
    expect((await t.json('PATCH', `/v1/partners/${partner.id}`, { status: 'suspended' })).status).toBe(200);

    const r = await leadByCode(t, partner.code, 'cus_after');
    expect(r.event).toMatchObject({ status: 'rejected', reason: 'partner_suspended', partnerId: null });
    expect(r.commissions).toEqual([]);
    const s = await sale(t, program.id, 'cus_before', 10000);
    expect(s.event).toMatchObject({ status: 'rejected', reason: 'partner_suspended', partnerId: null });
    expect(s.commissions).toEqual([]);
    // Only the lead from before the suspension earned.
    expect((await commissions(t, program.id)).map((c) => c.amount)).toEqual([700]);
  });
});

describe('first_click vs last_click', () => {
  async function twoPartnerJourney(model: 'first_click' | 'last_click') {
    const { t, program, partner: first } = await setup({ attribution: { model } });
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000 });
    const second = await addPartner(t, program.id, 'Sam Second', 'sam@partner.test');
    const c1 = await click(t, first.code);
    const lead1 = await leadByClick(t, c1, 'cus_1');
    expect(lead1.event.partnerId).toBe(first.id);
    t.setNow(days(3));
    const c2 = await click(t, second.code);
    const lead2 = await leadByClick(t, c2, 'cus_1', { eventName: 'trial_started' });
    const s = await sale(t, program.id, 'cus_1', 5000);
    return { t, program, first, second, c1, c2, lead2, s };
  }

  it('first_click keeps the first partner when a second partner’s newer click comes', async () => {
    const { first, c1, lead2, s } = await twoPartnerJourney('first_click');
    expect(lead2.customer.partnerId).toBe(first.id);
    expect(lead2.event).toMatchObject({ status: 'attributed', partnerId: first.id, clickId: c1 });
    expect(s.event.partnerId).toBe(first.id);
    expect(s.commissions.map((c: any) => [c.partnerId, c.amount])).toEqual([[first.id, 1000]]);
  });

  it('last_click switches to the newer click', async () => {
    const { second, c2, lead2, s } = await twoPartnerJourney('last_click');
    expect(lead2.customer.partnerId).toBe(second.id);
    expect(lead2.event).toMatchObject({ status: 'attributed', partnerId: second.id, clickId: c2 });
    expect(s.event.partnerId).toBe(second.id);
    expect(s.commissions.map((c: any) => [c.partnerId, c.amount])).toEqual([[second.id, 1000]]);
  });
});

describe('sales', () => {
  it('a sale for an unknown customer is recorded unattributed (unknown_customer) and pays nothing', async () => {
    const { t, program } = await setup();
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000 });
    const s = await sale(t, program.id, 'cus_ghost', 5000);
    expect(s.event).toMatchObject({ status: 'unattributed', reason: 'unknown_customer', partnerId: null, amount: 5000, currency: 'EUR' });
    expect(s.commissions).toEqual([]);
    expect(await commissions(t, program.id)).toEqual([]);
    expect((await events(t, program.id)).map((e) => [e.type, e.status])).toEqual([['sale', 'unattributed']]);
  });
});
