import { describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app';
import { clickIdOf, createProgram, expectApiError, rawRows, visit } from '../foundation/support';
import { newClickId } from '../../src/lib/ids';
import { addPartner, addReward, commissions, days, events, sale, setup, T0 } from './support';

async function click(t: TestApp, code: string): Promise<string> {
  const id = clickIdOf(await visit(t, `/${code}`));
  expect(id).toMatch(/^clk_/);
  return id!;
}

async function lead(t: TestApp, body: Record<string, unknown>) {
  const r = await t.json('POST', '/v1/track/lead', body);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

describe('last_click and first_click with several partners', () => {
  it('last_click: A, then B, then C; each newer click moves the customer, the sale pays C only', async () => {
    const { t, program, partner: a } = await setup({ attribution: { model: 'last_click' } });
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000 });
    const b = await addPartner(t, program.id, 'B', 'b@partner.test');
    const c = await addPartner(t, program.id, 'C', 'c@partner.test');
    const steps: [any, string][] = [[a, 'signup'], [b, 'trial'], [c, 'demo']];
    for (const [i, [p, name]] of steps.entries()) {
      t.setNow(days(i));
      const id = await click(t, p.code);
      expect((await lead(t, { clickId: id, customer: { externalId: 'cus_1' }, eventName: name })).customer.partnerId).toBe(p.id);
    }
    const s = await sale(t, program.id, 'cus_1', 5000);
    expect(s.commissions.map((x: any) => [x.partnerId, x.amount])).toEqual([[c.id, 1000]]);
  });

  it('last_click compares click times, not lead times: an older click of B sent after A’s newer one does not move the customer', async () => {
    const { t, program, partner: a } = await setup({ attribution: { model: 'last_click' } });
    const b = await addPartner(t, program.id, 'B', 'b@partner.test');
    const older = await click(t, b.code);
    t.setNow(days(1));
    const newer = await click(t, a.code);
    await lead(t, { clickId: newer, customer: { externalId: 'cus_1' } });
    t.setNow(days(2));
    const r = await lead(t, { clickId: older, customer: { externalId: 'cus_1' }, eventName: 'trial' });
    expect(r.event).toMatchObject({ status: 'attributed', partnerId: a.id, clickId: newer });
    expect(r.customer.partnerId).toBe(a.id);
  });

  it('first_click: a customer attributed by code stays with that partner when another partner’s click comes', async () => {
    const { t, program, partner: a } = await setup({ attribution: { model: 'first_click' } });
    const b = await addPartner(t, program.id, 'B', 'b@partner.test');
    await lead(t, { code: a.code, customer: { externalId: 'cus_1' } });
    t.setNow(days(1));
    const r = await lead(t, { clickId: await click(t, b.code), customer: { externalId: 'cus_1' }, eventName: 'trial' });
    expect(r.event).toMatchObject({ status: 'attributed', partnerId: a.id, clickId: null, linkId: a.defaultLink.id });
  });
});

describe('last_click: the same partner again', () => {
  it('a newer click of the same partner moves link and click but not the start of the referral: a backfilled sale in between still pays, the window is not stretched', async () => {
    const { t, program, partner: a } = await setup({ attribution: { model: 'last_click' } });
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000, windowDays: 30 });
    const spring = (await t.json('POST', `/v1/partners/${a.id}/links`, { code: 'spring' })).body;
    const first = await click(t, a.code);
    await lead(t, { clickId: first, customer: { externalId: 'cus_1' } });
    t.setNow(days(10));
    const second = await click(t, 'spring');
    const r = await lead(t, { clickId: second, customer: { externalId: 'cus_1' }, eventName: 'trial' });
    expect(r.event).toMatchObject({ status: 'attributed', partnerId: a.id, linkId: spring.id, clickId: second });
    expect((await rawRows(t, 'customers'))[0]).toMatchObject({ partner_id: a.id, link_id: spring.id, click_id: second, attributed_at: T0.getTime() });

    // Reported late: a sale of day 5, while the customer was already the partner's.
    t.setNow(days(11));
    const late = await sale(t, program.id, 'cus_1', 5000, { occurredAt: days(5).toISOString() });
    expect(late.commissions.map((x: any) => [x.partnerId, x.amount])).toEqual([[a.id, 1000]]);
    // 30 days after the referral of day 0, not after the second click.
    t.setNow(days(31));
    const after = await sale(t, program.id, 'cus_1', 5000);
    expect(after.commissions).toEqual([]);
    expect(after.skipped.map((x: any) => x.reason)).toEqual(['outside_window']);
  });
});

describe('last_click: the same partner again, then an older click of another', () => {
  it("B's click of day 5 does not win over A's repeat click of day 10, although A referred the customer on day 0", async () => {
    const { t, program, partner: a } = await setup({ attribution: { model: 'last_click' } });
    const b = await addPartner(t, program.id, 'B', 'b@partner.test');
    await lead(t, { clickId: await click(t, a.code), customer: { externalId: 'cus_1' } });
    t.setNow(days(5));
    const bClick = await click(t, b.code);
    t.setNow(days(10));
    const aAgain = await click(t, a.code);
    await lead(t, { clickId: aAgain, customer: { externalId: 'cus_1' }, eventName: 'trial' });
    t.setNow(days(11));
    const r = await lead(t, { clickId: bClick, customer: { externalId: 'cus_1' }, eventName: 'demo' });
    expect(r.event).toMatchObject({ status: 'attributed', partnerId: a.id, clickId: aAgain });
    expect((await rawRows(t, 'customers'))[0]).toMatchObject({ partner_id: a.id, click_id: aAgain, attributed_at: T0.getTime() });
    // A's own code later changes nothing; a newer click of B moves the customer.
    await lead(t, { code: a.code, customer: { externalId: 'cus_1' }, eventName: 'webinar' });
    expect((await rawRows(t, 'customers'))[0]).toMatchObject({ partner_id: a.id, click_id: aAgain });
    const bNewer = await click(t, b.code);
    expect((await lead(t, { clickId: bNewer, customer: { externalId: 'cus_1' }, eventName: 'call' })).customer.partnerId).toBe(b.id);
    expect((await rawRows(t, 'customers'))[0]).toMatchObject({ partner_id: b.id, click_id: bNewer, attributed_at: days(11).getTime() });
  });
});

describe('clicks and codes that cannot attribute', () => {
  it('a click recorded before its link was archived still attributes; the archived link records no new click', async () => {
    const { t, partner } = await setup();
    const link = (await t.json('POST', `/v1/partners/${partner.id}/links`, { code: 'spring' })).body;
    const id = await click(t, 'spring');
    expect((await t.json('PATCH', `/v1/links/${link.id}`, { archived: true })).status).toBe(200);
    expect(clickIdOf(await visit(t, '/spring'))).toBeNull();
    const r = await lead(t, { clickId: id, customer: { externalId: 'cus_1' } });
    expect(r.event).toMatchObject({ status: 'attributed', partnerId: partner.id, linkId: link.id, clickId: id });
  });

  it('a click of a partner suspended after the click is rejected partner_suspended', async () => {
    const { t, partner } = await setup();
    const id = await click(t, partner.code);
    await t.json('PATCH', `/v1/partners/${partner.id}`, { status: 'suspended' });
    const r = await lead(t, { clickId: id, customer: { externalId: 'cus_1' } });
    expect(r.event).toMatchObject({ status: 'rejected', reason: 'partner_suspended', partnerId: null, clickId: null });
    expect(r.customer.partnerId).toBeNull();
  });

  it('a typed code is trimmed and matched in any case (" JANE " is JANE); a code of only spaces is 422', async () => {
    const { t, partner } = await setup();
    const typed = ` ${partner.code.toUpperCase()}\t`;
    expect((await lead(t, { code: typed, customer: { externalId: 'cus_1' } })).event).toMatchObject({ partnerId: partner.id, status: 'attributed' });
    expectApiError(await t.json('POST', '/v1/track/lead', { code: '   ', customer: { externalId: 'cus_2' } }), 422, 'validation_failed', 'code');
  });

  it('a code of another program: 422 program_mismatch with that programId, nothing written; alone it leads in its own program', async () => {
    const { t, program } = await setup();
    const other = await createProgram(t, { name: 'Other' });
    const stranger = await addPartner(t, other.id, 'S', 's@partner.test');
    const r = await t.json('POST', '/v1/track/lead', { code: stranger.code, programId: program.id, customer: { externalId: 'cus_1' } });
    expectApiError(r, 422, 'validation_failed', 'programId');
    expect(r.body.error.reason).toBe('program_mismatch');
    expect(await rawRows(t, 'events')).toEqual([]);
    expect(await rawRows(t, 'customers')).toEqual([]);
    const ok = await lead(t, { code: stranger.code, customer: { externalId: 'cus_1' } });
    expect(ok.event).toMatchObject({ programId: other.id, partnerId: stranger.id, status: 'attributed' });
    expect(await events(t, program.id)).toEqual([]);
  });

  it('a click id of another program with that program’s id is 422 program_mismatch and writes nothing', async () => {
    const { t, program } = await setup();
    const other = await createProgram(t, { name: 'Other' });
    const stranger = await addPartner(t, other.id, 'S', 's@partner.test');
    const id = await click(t, stranger.code);
    const r = await t.json('POST', '/v1/track/lead', { clickId: id, programId: program.id, customer: { externalId: 'cus_1' } });
    expectApiError(r, 422, 'validation_failed', 'programId');
    expect(r.body.error.reason).toBe('program_mismatch');
    expect(await rawRows(t, 'events')).toEqual([]);
  });

  it('while the click writer fails to commit, a lead with a click id not yet stored is a retryable 409 click_pending (not a 500), and attributes once clicks are written', async () => {
    const { t, partner } = await setup();
    const clickId = await click(t, partner.code);
    await t.db.$client.execute("CREATE TRIGGER fail_clicks BEFORE INSERT ON clicks BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
    const pending = await t.json('POST', '/v1/track/lead', { clickId, customer: { externalId: 'cus_1' } });
    expectApiError(pending, 409, 'conflict', 'clickId');
    expect(pending.body.error.reason).toBe('click_pending');
    // Even an id too old to be in flight: the failing writer may still hold it.
    t.advance(10 * 60_000);
    expect((await t.json('POST', '/v1/track/lead', { clickId, customer: { externalId: 'cus_1' } })).status).toBe(409);
    expect(await rawRows(t, 'events')).toEqual([]);
    await t.db.$client.execute('DROP TRIGGER fail_clicks');
    expect((await lead(t, { clickId, customer: { externalId: 'cus_1' } })).event).toMatchObject({ partnerId: partner.id, status: 'attributed' });
  });

  it('a click outside the window gives way to a referral code sent with it', async () => {
    const { t, program, partner: a } = await setup({ attribution: { windowDays: 30 } });
    await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 700 });
    const b = await addPartner(t, program.id, 'B', 'b@partner.test');
    const stale = await click(t, a.code);
    t.setNow(days(31));
    const r = await lead(t, { clickId: stale, code: b.code, customer: { externalId: 'cus_1' } });
    expect(r.event).toMatchObject({ status: 'attributed', reason: null, partnerId: b.id, linkId: b.defaultLink.id, clickId: null });
    expect(r.commissions.map((x: any) => [x.partnerId, x.amount])).toEqual([[b.id, 700]]);
  });

  it('an unknown (old) click id gives way to a referral code sent with it; a valid click still wins over a code', async () => {
    const { t, program, partner: a } = await setup();
    const b = await addPartner(t, program.id, 'B', 'b@partner.test');
    const gone = newClickId(T0.getTime() - 10 * 60_000);
    const r = await lead(t, { clickId: gone, code: b.code, customer: { externalId: 'cus_1' } });
    expect(r.event).toMatchObject({ status: 'attributed', partnerId: b.id, clickId: null });

    const fresh = await click(t, a.code);
    const both = await lead(t, { clickId: fresh, code: b.code, customer: { externalId: 'cus_2' } });
    expect(both.event).toMatchObject({ status: 'attributed', partnerId: a.id, clickId: fresh });
    // With an unknown code as well, the click's own reason is kept.
    t.setNow(days(31));
    const neither = await lead(t, { clickId: fresh, code: 'no-such-code', programId: program.id, customer: { externalId: 'cus_3' } });
    expect(neither.event).toMatchObject({ status: 'unattributed', reason: 'outside_window', partnerId: null });
    expect(await commissions(t, program.id)).toEqual([]);
  });
});
