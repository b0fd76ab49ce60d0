import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app';
import { addPartner, addReward, clickOn, days, lead, leadByCode, refund, sale, setup } from '../conversions/support';

// GET /v1/programs/:programId/customers/:customerId — the customer, its attribution history, its
// events and its customer credits (two-sided rewards): what credit the merchant should grant.

let t: TestApp;
let program: any;
let jane: any;
let bob: any;
let other: any;
let rules: Record<string, any> = {};
let u1: string;
let u2: string;
let click: string;

const detail = async (customerId: string, programId = program.id) => {
  const r = await t.json('GET', `/v1/programs/${programId}/customers/${customerId}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};

beforeAll(async () => {
  ({ t, program, partner: jane } = await setup());
  bob = await addPartner(t, program.id, 'Bob Roe', 'bob@partner.test');
  // README's two-sided program (the customer's credit 700 here, to tell it from the partner's 500),
  // plus 3 points for the customer on every sale.
  rules.partner = await addReward(t, program.id, { event: 'sale', recipient: 'partner', type: 'fixed', amount: 500, caps: { perCustomer: { count: 1 } } });
  rules.credit = await addReward(t, program.id, { event: 'sale', recipient: 'customer', type: 'fixed', amount: 700, caps: { perCustomer: { count: 1 } } });
  rules.points = await addReward(t, program.id, { event: 'sale', recipient: 'customer', type: 'fixed', amount: 3, unit: 'points' });

  click = await clickOn(t, jane.code);
  u1 = (await lead(t, { clickId: click, customer: { externalId: 'u_1', email: 'Ann@Example.org' } })).customer.id;
  t.setNow(days(1));
  await sale(t, program.id, 'u_1', 4900, { externalId: 'inv_1' });
  t.setNow(days(2));
  await leadByCode(t, bob.code, 'u_1', { eventName: 'trial_started' }); // last click: Bob takes u_1 over
  t.setNow(days(3));
  await sale(t, program.id, 'u_1', 2000, { externalId: 'inv_2' });
  t.setNow(days(4));
  expect((await refund(t, program.id, 'inv_1', 're_1', 2450)).status).toBe(200);

  u2 = (await leadByCode(t, jane.code, 'u_2')).customer.id;
  await sale(t, program.id, 'u_2', 1000, { externalId: 'inv_3' });

  const p2 = await t.json('POST', '/v1/programs', { name: 'Globex', currency: 'EUR', defaultUrl: 'https://globex.test/', allowedHosts: ['globex.test'] });
  other = { program: p2.body, partner: await addPartner(t, p2.body.id, 'Gil', 'gil@partner.test') };
  other.customer = (await leadByCode(t, other.partner.code, 'u_1')).customer.id;
});

describe('GET /v1/programs/:programId/customers/:customerId', () => {
  it('the customer as listed, with its touches oldest first under last_click', async () => {
    const d = await detail(u1);
    expect(d).toMatchObject({
      id: u1,
      programId: program.id,
      externalId: 'u_1',
      email: 'Ann@example.org', // sent as Ann@Example.org: the domain is stored lower-case
      partnerId: bob.id,
      partnerName: 'Bob Roe',
      linkId: bob.defaultLink.id,
      clickId: null,
      attributedAt: days(2).toISOString(),
      createdAt: days(0).toISOString(),
    });
    expect(d.attribution).toEqual({
      model: 'last_click',
      touches: [
        { partnerId: jane.id, partnerName: 'Jane Doe', linkId: jane.defaultLink.id, clickId: click, at: days(0).toISOString() },
        { partnerId: bob.id, partnerName: 'Bob Roe', linkId: bob.defaultLink.id, clickId: null, at: days(2).toISOString() },
      ],
    });
    const listed = (await t.json('GET', `/v1/programs/${program.id}/customers?externalId=u_1`)).body.data;
    const { attribution, events, credits, ...customer } = d;
    expect(listed).toEqual([customer]);
  });

  it('its events: counts per type and revenue (sales minus refunds)', async () => {
    expect((await detail(u1)).events).toEqual({
      leads: 2,
      sales: 2,
      refunds: 1,
      customEvents: 0,
      revenue: 4900 + 2000 - 2450,
      revenueFormatted: '44.50',
      currency: 'EUR',
      firstEventAt: days(0).toISOString(),
      lastEventAt: days(4).toISOString(),
    });
  });

  it('its customer credits: the two-sided credit with its exact amount, per unit and status, partial refunds netted', async () => {
    const { credits } = await detail(u1);
    // Jane's sale (day 1) earned the 700 credit and 3 points; Bob's (day 3) 3 points only (the 700
    // credit is once per customer); half of Jane's sale refunded took back 350 and 1 point.
    expect(credits.balances).toEqual([
      { unit: 'EUR', pending: 350, approved: 0, formatted: { pending: '3.50', approved: '0.00' } },
      { unit: 'points', pending: 5, approved: 0, formatted: { pending: '5', approved: '0' } },
    ]);
    expect(credits.moreEntries).toBe(false);
    const row = (e: any) => [e.kind, e.rewardId, e.partnerId, e.amount, e.unit, e.status, e.createdAt];
    expect(credits.entries.map(row).slice(0, 2).sort()).toEqual(
      [
        ['reversal', rules.credit.id, jane.id, -350, 'EUR', 'pending', days(4).toISOString()],
        ['reversal', rules.points.id, jane.id, -1, 'points', 'pending', days(4).toISOString()],
      ].sort(),
    );
    expect(credits.entries.map(row).slice(2, 3)).toEqual([['commission', rules.points.id, bob.id, 3, 'points', 'pending', days(3).toISOString()]]);
    expect(credits.entries.map(row).slice(3).sort()).toEqual(
      [
        ['commission', rules.credit.id, jane.id, 700, 'EUR', 'pending', days(1).toISOString()],
        ['commission', rules.points.id, jane.id, 3, 'points', 'pending', days(1).toISOString()],
      ].sort(),
    );
    for (const e of credits.entries) expect(e).toMatchObject({ recipient: 'customer', customerId: u1, payoutId: null });
    const credit = credits.entries.find((e: any) => e.rewardId === rules.credit.id && e.kind === 'commission');
    expect(credit).toMatchObject({ amountFormatted: '7.00', explanation: 'fixed 700', explanationFormatted: 'fixed €7.00', holdUntil: days(31).toISOString() });
    // The partner's own 500 is not the customer's credit, and u_2's credit is u_2's.
    expect(credits.entries.some((e: any) => e.rewardId === rules.partner.id)).toBe(false);
    const d2 = await detail(u2);
    expect(d2.credits.balances).toEqual([
      { unit: 'EUR', pending: 700, approved: 0, formatted: { pending: '7.00', approved: '0.00' } },
      { unit: 'points', pending: 3, approved: 0, formatted: { pending: '3', approved: '0' } },
    ]);
    expect(d2.credits.entries.map((e: any) => e.customerId)).toEqual([u2, u2]);
  });

  it('credits move to approved after their hold; a full refund or a void takes a credit out of every balance', async () => {
    t.setNow(days(40));
    expect((await t.json('POST', '/v1/jobs/approve-commissions')).status).toBe(200);
    expect((await detail(u1)).credits.balances).toEqual([
      { unit: 'EUR', pending: 0, approved: 350, formatted: { pending: '0.00', approved: '3.50' } },
      { unit: 'points', pending: 0, approved: 5, formatted: { pending: '0', approved: '5' } },
    ]);
    // Bob's sale refunded in full: its 3 points are reversed.
    expect((await refund(t, program.id, 'inv_2', 're_2')).status).toBe(200);
    const after = await detail(u1);
    expect(after.credits.balances.map((b: any) => [b.unit, b.pending, b.approved])).toEqual([
      ['EUR', 0, 350],
      ['points', 0, 2],
    ]);
    expect(after.credits.entries).toHaveLength(6);
    expect(after.events).toMatchObject({ sales: 2, refunds: 2, revenue: 4900 + 2000 - 2450 - 2000 });
    // u_2's EUR credit voided (fraud): nothing left to grant in EUR.
    const credit = (await detail(u2)).credits.entries.find((e: any) => e.unit === 'EUR');
    expect((await t.json('POST', `/v1/commissions/${credit.id}/void`, { reason: 'fraud' })).status).toBe(201);
    const d2 = await detail(u2);
    expect(d2.credits.balances.map((b: any) => [b.unit, b.pending, b.approved])).toEqual([['points', 0, 3]]);
    expect(d2.credits.entries.filter((e: any) => e.unit === 'EUR').map((e: any) => [e.kind, e.amount, e.status]).sort()).toEqual([
      ['commission', 700, 'reversed'],
      ['reversal', -700, 'reversed'],
    ]);
  });

  it('a customer without referral or events: empty history, zero counts, no credits', async () => {
    const r = await t.json('POST', '/v1/track/lead', { programId: program.id, customer: { externalId: 'walk_in' } });
    expect(r.status).toBe(200);
    const d = await detail(r.body.customer.id);
    expect(d).toMatchObject({ partnerId: null, partnerName: null, attributedAt: null });
    expect(d.attribution).toEqual({ model: 'last_click', touches: [] });
    expect(d.events).toMatchObject({ leads: 1, sales: 0, refunds: 0, customEvents: 0, revenue: 0, revenueFormatted: '0.00' });
    expect(d.credits).toEqual({ balances: [], entries: [], moreEntries: false });
  });

  it('another program\'s customer, an unknown id or an unknown program is a 404 not_found', async () => {
    for (const path of [
      `/v1/programs/${program.id}/customers/${other.customer}`,
      `/v1/programs/${other.program.id}/customers/${u1}`,
      `/v1/programs/${program.id}/customers/cus_nope`,
      `/v1/programs/prg_nope/customers/${u1}`,
    ]) {
      const r = await t.json('GET', path);
      expect(r.status, path).toBe(404);
      expect(r.body.error.code, path).toBe('not_found');
    }
    // The other program's customer of the same external id is its own.
    const g = await detail(other.customer, other.program.id);
    expect(g).toMatchObject({ externalId: 'u_1', partnerId: other.partner.id });
    expect(g.credits.entries).toEqual([]);
  });

  it('needs ledger:read (403 for programs:read), and no credential is a 401', async () => {
    const key = (await t.json('POST', '/v1/api-keys', { name: 'k', scopes: ['programs:write', 'conversions:write'] })).body.key;
    const r = await t.json('GET', `/v1/programs/${program.id}/customers/${u1}`, undefined, { authorization: `Bearer ${key}` });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('forbidden');
    expect((await t.app.request(`/v1/programs/${program.id}/customers/${u1}`)).status).toBe(401);
  });
});

describe('a customer with more credits than the detail shows', () => {
  it('shows the newest 100 entries with moreEntries, while balances count all of them', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    await addReward(t, program.id, { event: 'sale', recipient: 'customer', type: 'fixed', amount: 2, unit: 'points' });
    const id = (await leadByCode(t, partner.code, 'loyal')).customer.id;
    for (let i = 0; i < 101; i++) {
      t.advance(1000);
      await sale(t, program.id, 'loyal', 100);
    }
    const r = await t.json('GET', `/v1/programs/${program.id}/customers/${id}`);
    expect(r.status).toBe(200);
    expect(r.body.credits.moreEntries).toBe(true);
    expect(r.body.credits.entries).toHaveLength(100);
    expect(r.body.credits.entries[0].createdAt).toBe(t.now.toISOString());
    expect(r.body.credits.balances).toEqual([{ unit: 'points', pending: 0, approved: 202, formatted: { pending: '0', approved: '202' } }]);
    expect(r.body.events).toMatchObject({ leads: 1, sales: 101, revenue: 10100, revenueFormatted: '101.00' });
  });
});
