import { beforeAll, describe, expect, it } from 'vitest';
import { CHROME_MAC, FIREFOX_WIN } from '../foundation/support';
import type { TestApp } from '../helpers/app';
import { appFor, clickOn, getOk, post, proxiedApp } from './support';

// Jane converts through her link: 2 unique clicks, 1 lead from a click. Bob is code-only: no click,
// 3 leads by code and a sale that is then fully refunded. Each lead earns 1.00 EUR and 5 points.
const DAY = new Date('2026-03-01T12:00:00.000Z');
const RANGE = 'from=2026-03-01&to=2026-03-01';
let t: TestApp;
let programId: string;
let jane: { id: string };
let bob: { id: string };

beforeAll(async () => {
  t = await proxiedApp(DAY);
  const program = await post(t, '/v1/programs', { name: 'Acme', currency: 'EUR', defaultUrl: 'https://acme.test/', allowedHosts: ['acme.test'], holdDays: 0 }, 201);
  programId = program.id;
  jane = await post(t, `/v1/programs/${programId}/partners`, { name: 'Jane Doe', email: 'jane@p.test', code: 'JANE' }, 201);
  bob = await post(t, `/v1/programs/${programId}/partners`, { name: 'Bob Roe', email: 'bob@p.test', code: 'BOB' }, 201);
  await post(t, `/v1/programs/${programId}/rewards`, { event: 'lead', type: 'fixed', amount: 100 }, 201);
  await post(t, `/v1/programs/${programId}/rewards`, { event: 'lead', type: 'fixed', amount: 5, unit: 'points' }, 201);
  const click = await clickOn(t, 'JANE', { ip: '198.51.100.1', ua: CHROME_MAC });
  await clickOn(t, 'JANE', { ip: '198.51.100.2', ua: FIREFOX_WIN });
  await post(t, '/v1/track/lead', { clickId: click, customer: { externalId: 'j1' } });
  for (const id of ['b1', 'b2', 'b3']) await post(t, '/v1/track/lead', { code: 'BOB', customer: { externalId: id } });
  await post(t, '/v1/track/sale', { programId, customerExternalId: 'b1', externalId: 'o1', amount: 2999, currency: 'EUR' });
  await post(t, '/v1/track/refund', { programId, saleExternalId: 'o1', externalId: 'rf1', amount: 2999 });
});

describe('a code-only partner', () => {
  it('is active in the KPIs, and its leads by code do not inflate the conversion rate (1 click lead / 2 unique clicks)', async () => {
    expect(await getOk(t, `/v1/programs/${programId}/kpis?${RANGE}`)).toEqual({
      from: '2026-03-01', to: '2026-03-01', currency: 'EUR', activePartners: 2, referredCustomers: 4, conversionRate: 0.5,
      revenue: 0, commissionsOwed: 400, commissionsPaid: 0, payoutRatio: 0,
    });
  });

  it('report rows: Bob has leads but no click leads (rate 0); the refunded sale still counts in sales, revenue is net', async () => {
    const r = await getOk(t, `/v1/programs/${programId}/report?${RANGE}&groupBy=partner`);
    // Both rows have revenue 0: the order is by partner id, so compare them by name.
    expect(r.rows.map((x: any) => [x.label, x.uniqueClicks, x.leads, x.clickLeads, x.sales, x.revenue, x.conversionRate]).sort()).toEqual([
      ['Bob Roe', 0, 3, 0, 1, 0, 0],
      ['Jane Doe', 2, 1, 1, 0, 0, 0.5],
    ]);
    expect(r.totals).toMatchObject({ uniqueClicks: 2, leads: 4, clickLeads: 1, sales: 1, revenue: 0, conversionRate: 0.5 });
  });

  it('CSV: one line per partner, EUR and points in their own columns, columns sum to the totals', async () => {
    const res = await appFor(t).request(`/v1/programs/${programId}/report?${RANGE}&groupBy=partner&format=csv`);
    const [header, ...lines] = (await res.text()).split('\r\n');
    expect(header).toBe('key,label,clicks,unique_clicks,leads,click_leads,sales,revenue,currency,conversion_rate,commission_EUR,commission_points');
    expect(lines.sort()).toEqual([
      '',
      `${bob.id},Bob Roe,0,0,3,0,1,0.00,EUR,0,3.00,15`,
      `${jane.id},Jane Doe,2,2,1,1,0,0.00,EUR,0.5,1.00,5`,
    ].sort());
  });
});
