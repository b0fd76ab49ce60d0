import { beforeAll, describe, expect, it } from 'vitest';
import { env, exports } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { schema, type Db } from '../../src/db/client';
import { rebuildRollups } from '../../src/reports/rebuild-rollups';
import { setCookieOf, signInFormOf } from '../helpers/portal-sign-in';
import { CHROME_WINDOWS, ORIGIN, SAFARI_IPHONE, SLACKBOT, json, settled } from './helpers';
import { DAY, VISITOR, addReward, leadByCode, program, refund, sale } from './tracking';

/**
 * Reports, leaderboard, KPIs, partner tokens, /v1/me and the portal through the real worker on D1.
 *
 * Jane (A) and Bob (B) in one USD program paying 300 per lead and 10% of each sale (30-day hold):
 *   D2  A: lead cus_a2 by code                                  → 300
 *   D1  A: sale cus_a2 10000                                     → 1000
 *   D0  A: 4 redirects (visitor 1 twice, visitor 2, Slackbot): 3 clicks, 2 unique, 1 bot;
 *          lead cus_a1 by visitor 1's click id → 300; sale 2500 → 250; refund 2000 of the D1 sale → -200
 *       B: 1 redirect; lead cus_b1 by code → 300; sale 4550 → 455
 */
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const D0 = day(Date.now());
const D1 = day(Date.now() - DAY);
const D2 = day(Date.now() - 2 * DAY);
const noonOf = (d: string) => `${d}T12:00:00.000Z`;
const RANGE = { from: D2, to: D0 };

type Row = { key?: string; label?: string | null };
function row(head: Row, [clicks, uniqueClicks, leads, clickLeads, sales, revenue]: number[], usd: number, conversionRate: number) {
  return { ...head, clicks, uniqueClicks, leads, clickLeads, sales, revenue, commissions: usd === 0 ? [] : [{ unit: 'USD', amount: usd }], conversionRate };
}
// conversionRate: leads that came by a click / unique clicks (code-only leads are not click conversions).
const TOTALS = row({}, [4, 3, 3, 1, 3, 15050], 2405, 0.3333);

let s: { p: any; a: any; b: any; token: string };

beforeAll(async () => {
  const { program: p, partner: a } = await program();
  const b = await json('POST', `/v1/programs/${p.id}/partners`, { name: 'Bob Builder', email: 'bob@partner.test' });
  expect(b.status).toBe(201);
  await addReward(p.id, { event: 'lead', type: 'fixed', amount: 300 });
  await addReward(p.id, { event: 'sale', type: 'percent', amount: 1000 });

  // A: lead on D2, its sale on D1.
  const early = await json('POST', '/v1/track/lead', { code: a.code, customer: { externalId: 'cus_a2' }, occurredAt: noonOf(D2) });
  expect(early.body.event, JSON.stringify(early.body)).toMatchObject({ status: 'attributed', partnerId: a.id });
  await sale(p.id, 'cus_a2', 'ord_a2', 10000, { occurredAt: noonOf(D1) });

  // D0: clicks, then a lead by click id, sales and a partial refund.
  const first = await settled('GET', `/${a.defaultLink.code}`, VISITOR);
  const clickId = new URL(first.headers.get('location')!).searchParams.get('rcid')!;
  for (const headers of [VISITOR, { 'user-agent': SAFARI_IPHONE, 'cf-connecting-ip': '198.51.100.9' }, { 'user-agent': SLACKBOT, 'cf-connecting-ip': '192.0.2.1' }]) {
    expect((await settled('GET', `/${a.defaultLink.code}`, headers)).status).toBe(302);
  }
  expect((await settled('GET', `/${b.body.defaultLink.code}`, { 'user-agent': CHROME_WINDOWS, 'cf-connecting-ip': '198.51.100.77' })).status).toBe(302);
  const lead = await json('POST', '/v1/track/lead', { clickId, customer: { externalId: 'cus_a1' } });
  expect(lead.body.event).toMatchObject({ status: 'attributed', partnerId: a.id });
  await sale(p.id, 'cus_a1', 'ord_a1', 2500);
  const r = await refund(p.id, 'ord_a2', 'rf_a2', 2000);
  expect(r.body.commissions.map((c: any) => c.amount)).toEqual([-200]);
  await leadByCode(b.body.code, 'cus_b1');
  await sale(p.id, 'cus_b1', 'ord_b1', 4550);

  const issued = await json('POST', `/v1/partners/${a.id}/tokens`, {});
  expect(issued.status, JSON.stringify(issued.body)).toBe(201);
  s = { p, a, b: b.body, token: issued.body.token };
});

const report = (qs: Record<string, string>, path = `/v1/programs/${s.p.id}/report`) => json('GET', `${path}?${new URLSearchParams({ ...RANGE, ...qs })}`);
/** As the partner: its bearer token, no admin key. */
const asPartner = (path: string, token = s.token) => exports.default.fetch(new Request(`${ORIGIN}${path}`, { headers: { authorization: `Bearer ${token}` } }));

function dayReport() {
  return {
    ...RANGE,
    groupBy: 'day',
    currency: 'USD',
    rows: [row({ key: D2 }, [0, 0, 1, 0, 0, 0], 300, 0), row({ key: D1 }, [0, 0, 0, 0, 1, 10000], 1000, 0), row({ key: D0 }, [4, 3, 2, 1, 2, 5050], 1105, 0.3333)],
    totals: TOTALS,
  };
}
const partnerRows = () => [
  row({ key: s.a.id, label: 'Jane Doe' }, [3, 2, 2, 1, 2, 10500], 1650, 0.5),
  row({ key: s.b.id, label: 'Bob Builder' }, [1, 1, 1, 0, 1, 4550], 755, 0),
];

describe('GET /v1/programs/:id/report on workerd with D1', () => {
  it('groupBy=day: bots and repeats not counted, the refund on its own day', async () => {
    const r = await report({ groupBy: 'day' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(dayReport());
  });

  it('groupBy=partner: labelled with names, by revenue', async () => {
    expect((await report({ groupBy: 'partner' })).body).toEqual({ ...RANGE, groupBy: 'partner', currency: 'USD', rows: partnerRows(), totals: TOTALS });
  });

  it('format=csv: RFC 4180 with money in major units', async () => {
    const res = await self(`/v1/programs/${s.p.id}/report?${new URLSearchParams({ ...RANGE, groupBy: 'partner', format: 'csv' })}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="report-${s.p.id}-${D2}-${D0}.csv"`);
    expect(await res.text()).toBe(
      'key,label,clicks,unique_clicks,leads,click_leads,sales,revenue,currency,conversion_rate,commission_USD\r\n' +
        `${s.a.id},Jane Doe,3,2,2,1,2,105.00,USD,0.5,16.50\r\n` +
        `${s.b.id},Bob Builder,1,1,1,0,1,45.50,USD,0,7.55\r\n`,
    );
    const byDay = await self(`/v1/programs/${s.p.id}/report?${new URLSearchParams({ ...RANGE, groupBy: 'day', format: 'csv' })}`);
    expect((await byDay.text()).split('\r\n')).toEqual([
      'key,label,clicks,unique_clicks,leads,click_leads,sales,revenue,currency,conversion_rate,commission_USD',
      `${D2},,0,0,1,0,0,0.00,USD,0,3.00`,
      `${D1},,0,0,0,0,1,100.00,USD,0,10.00`,
      `${D0},,4,3,2,1,2,50.50,USD,0.3333,11.05`,
      '',
    ]);
  });

  it('GET /leaderboard ranks by each metric', async () => {
    const board = async (metric: string) => {
      const r = await json('GET', `/v1/programs/${s.p.id}/leaderboard?${new URLSearchParams({ ...RANGE, metric })}`);
      expect(r.status).toBe(200);
      return r.body;
    };
    const entries = (a: number, b: number) => [
      { rank: 1, partnerId: s.a.id, partnerName: 'Jane Doe', value: a },
      { rank: 2, partnerId: s.b.id, partnerName: 'Bob Builder', value: b },
    ];
    expect(await board('sales')).toEqual({ metric: 'sales', currency: 'USD', ...RANGE, data: entries(2, 1) });
    expect((await board('leads')).data).toEqual(entries(2, 1));
    expect((await board('revenue')).data).toEqual(entries(10500, 4550));
    expect((await board('commissions')).data).toEqual(entries(1650, 755));
  });

  it('GET /kpis: headline numbers from the rollups, customers and ledger', async () => {
    const r = await json('GET', `/v1/programs/${s.p.id}/kpis?${new URLSearchParams(RANGE)}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      ...RANGE,
      currency: 'USD',
      activePartners: 2,
      referredCustomers: 3,
      conversionRate: 0.3333,
      revenue: 15050,
      commissionsOwed: 2405,
      commissionsPaid: 0,
      payoutRatio: 0.1598, // 2405 / 15050
    });
  });
});

describe('partner tokens, /v1/me and the portal on workerd', () => {
  it('GET /v1/me, /v1/me/report and /v1/me/balance answer for the token’s partner only', async () => {
    const me = await asPartner('/v1/me');
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({
      id: s.a.id,
      programId: s.p.id,
      name: 'Jane Doe',
      email: 'jane@partner.test',
      externalId: null,
      code: s.a.code,
      payoutMethod: null,
      payoutDetails: null,
      payoutDetailsUpdatedAt: null,
      status: 'active',
      createdAt: s.a.createdAt,
      updatedAt: s.a.updatedAt,
      program: { id: s.p.id, name: 'Acme referrals', currency: 'USD' },
    });

    const mine = await asPartner(`/v1/me/report?${new URLSearchParams({ ...RANGE, groupBy: 'day' })}`);
    expect(mine.status).toBe(200);
    const body = await mine.json();
    expect(body).toEqual({
      ...RANGE,
      groupBy: 'day',
      currency: 'USD',
      rows: [row({ key: D2 }, [0, 0, 1, 0, 0, 0], 300, 0), row({ key: D1 }, [0, 0, 0, 0, 1, 10000], 1000, 0), row({ key: D0 }, [3, 2, 1, 1, 1, 500], 350, 0.5)],
      totals: row({}, [3, 2, 2, 1, 2, 10500], 1650, 0.5),
    });
    expect(body).toEqual((await report({ groupBy: 'day', partnerId: s.a.id })).body);
    expect((await asPartner(`/v1/me/report?${new URLSearchParams({ ...RANGE, partnerId: s.b.id })}`)).status).toBe(404);

    const balance = await asPartner('/v1/me/balance');
    expect(await balance.json()).toEqual({
      partnerId: s.a.id,
      balances: [{ unit: 'USD', pending: 1650, approved: 0, paid: 0, formatted: { pending: '16.50', approved: '0.00', paid: '0.00' } }],
    });
  });

  it('a partner token is no admin key: 401 on admin routes; a garbage token is 401 on /v1/me', async () => {
    for (const path of [`/v1/programs/${s.p.id}/report`, `/v1/programs/${s.p.id}/kpis`, `/v1/partners/${s.b.id}/balance`, '/v1/programs']) {
      const res = await asPartner(path);
      expect(res.status, path).toBe(401);
      expect(((await res.json()) as any).error.code).toBe('unauthorized');
    }
    expect((await asPartner('/v1/me', `${s.token}x`)).status).toBe(401);
    expect((await asPartner('/v1/me', 'test-admin-key-0123456789abcdefghij')).status).toBe(401);
  });

  it('GET /portal/login?token= asks first; its form (POST, pre-session cookie) → 303 and a session cookie; GET /portal shows the partner and balance', async () => {
    const send = (path: string, init?: RequestInit) => exports.default.fetch(new Request(`${ORIGIN}${path}`, init));
    const offer = await send(`/portal/login?token=${encodeURIComponent(s.token)}`, { redirect: 'manual' });
    expect(offer.status).toBe(200);
    expect(setCookieOf(offer, '__Host-rl_portal')).toBeUndefined();
    const form = await signInFormOf(offer);
    expect(form.html).toContain('<h1>Sign in to the Acme referrals partner portal as Jane Doe (j•••@partner.test)?</h1>');
    expect(form.fields.token).toBe(s.token);
    const login = await send('/portal/login', { method: 'POST', redirect: 'manual', headers: { cookie: form.cookie!, origin: ORIGIN }, body: new URLSearchParams(form.fields) });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/portal');
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('__Host-rl_portal='))!;
    expect(cookie).toMatch(new RegExp(`^__Host-rl_portal=${s.token.replace(/\./g, '\\.')}; Max-Age=\\d+; Path=/; HttpOnly; Secure; SameSite=Lax$`));

    const portal = await exports.default.fetch(new Request(`${ORIGIN}/portal`, { headers: { cookie: cookie.split(';')[0]! } }));
    expect(portal.status).toBe(200);
    expect(portal.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await portal.text();
    expect(html).toContain('Signed in as Jane Doe');
    expect(html).toContain('<dd data-unit="USD" data-balance="pending">$16.50</dd>');
    expect(html).not.toContain('Bob Builder'); // no leaderboard unless the program enables it

    const anonymous = await exports.default.fetch(new Request(`${ORIGIN}/portal`));
    expect(anonymous.status).toBe(401);
    const bad = await exports.default.fetch(new Request(`${ORIGIN}/portal/login?token=nope`, { redirect: 'manual' }));
    expect(bad.status).toBe(401);
    expect(bad.headers.get('set-cookie')).toBeNull();
  });
});

describe('rebuildRollups on D1', () => {
  it('recomputing the rollups from the raw facts leaves every report, the leaderboard and KPIs identical', async () => {
    const db = drizzle(env.DB, { schema }) as unknown as Db;
    const groupings = ['day', 'week', 'month', 'partner', 'link', 'campaign', 'country', 'device', 'browser', 'os', 'referrer'];
    const snapshot = async () => ({
      reports: await Promise.all(groupings.map(async (groupBy) => (await report({ groupBy })).body)),
      board: (await json('GET', `/v1/programs/${s.p.id}/leaderboard?${new URLSearchParams({ ...RANGE, metric: 'revenue' })}`)).body,
      kpis: (await json('GET', `/v1/programs/${s.p.id}/kpis?${new URLSearchParams(RANGE)}`)).body,
      rollups: await rollupRows(s.p.id),
    });
    const before = await snapshot();
    expect(before.reports[0]).toEqual(dayReport());

    const counts = await rebuildRollups(db, s.p.id);
    expect(counts.rollupRows).toBeGreaterThan(0);
    expect(counts.rollupRows).toBe(before.rollups.counts.length);
    expect(counts.commissionRollupRows).toBe(before.rollups.commissions.length);
    expect(await snapshot()).toEqual(before);
    // Every program at once (the unscoped statements) gives the same.
    await rebuildRollups(db);
    expect(await snapshot()).toEqual(before);
  });
});

function self(path: string) {
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { headers: { authorization: 'Bearer test-admin-key-0123456789abcdefghij' } }));
}

/** The program's rollup rows straight from D1, in a stable order. */
async function rollupRows(programId: string) {
  const all = async (table: string) =>
    (await env.DB.prepare(`select * from ${table} where program_id = ? order by dim, day, partner_id, key${table === 'daily_commission_rollups' ? ', unit' : ''}`).bind(programId).all()).results;
  return { counts: await all('daily_rollups'), commissions: await all('daily_commission_rollups') };
}
