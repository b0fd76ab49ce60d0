import { beforeAll, describe, expect, it } from 'vitest';
import { rebuildRollups } from '../../src/reports/rebuild-rollups';
import { createPartner, createProgram, issueToken, makePartnerApp, ok, type PartnerApp } from '../me/helpers';

/**
 * Money at the edges of UTC days: a sale at 23:59:59.999, a second sale and a partial refund of the
 * first at 00:00:00.000 the next day, the rest refunded the day after (closing the original and
 * its reversals as `reversed`). A two-sided reward also credits the customer 5.00 per sale: that
 * credit carries the partner id but is the customer's money, so no report, KPI or balance counts it.
 */
let h: PartnerApp;
let programId: string;
let janeToken: string;
beforeAll(async () => {
  h = await makePartnerApp();
  h.t.setNow(new Date('2026-03-05T12:00:00.000Z'));
  const p = await createProgram(h, { currency: 'EUR', holdDays: 0 });
  programId = p.id;
  const jane = await createPartner(h, p.id, 'Jane', 'jane@partner.test', 'JANE');
  await ok(h.admin('POST', `/v1/programs/${p.id}/rewards`, { event: 'sale', recipient: 'partner', type: 'percent', amount: 1000 }), 201);
  await ok(h.admin('POST', `/v1/programs/${p.id}/rewards`, { event: 'sale', recipient: 'customer', type: 'fixed', amount: 500 }), 201);
  const at = (iso: string) => ({ programId: p.id, occurredAt: iso });
  await ok(h.admin('POST', '/v1/track/lead', { code: 'JANE', customer: { externalId: 'c1' }, occurredAt: '2026-03-01T23:59:59.999Z' }));
  await ok(h.admin('POST', '/v1/track/sale', { ...at('2026-03-01T23:59:59.999Z'), customerExternalId: 'c1', externalId: 's1', amount: 10000, currency: 'EUR' }));
  await ok(h.admin('POST', '/v1/track/sale', { ...at('2026-03-02T00:00:00.000Z'), customerExternalId: 'c1', externalId: 's2', amount: 5000, currency: 'EUR' }));
  await ok(h.admin('POST', '/v1/track/refund', { ...at('2026-03-02T00:00:00.000Z'), saleExternalId: 's1', externalId: 'r1', amount: 2500 }));
  await ok(h.admin('POST', '/v1/track/refund', { ...at('2026-03-03T00:00:00.000Z'), saleExternalId: 's1', externalId: 'r2' }));
  janeToken = await issueToken(h, jane.id);
});

const eur = (amount: number) => [{ unit: 'EUR', amount }];
const row = (key: string, leads: number, sales: number, revenue: number, commission: number) => ({
  key, clicks: 0, uniqueClicks: 0, leads, clickLeads: 0, sales, revenue, commissions: eur(commission), conversionRate: 0,
});
const EXPECTED_ROWS = [
  row('2026-03-01', 1, 1, 10000, 1000), // the 23:59:59.999 sale stays on its day
  row('2026-03-02', 0, 1, 5000 - 2500, 500 - 250), // midnight sale and the partial refund (reversal −2.50)
  row('2026-03-03', 0, 0, -7500, -750), // the rest of the refund, on its own day
];
const REPORT = '/report?from=2026-03-01&to=2026-03-03';

describe('report numbers at UTC day edges, with refunds, reversals and customer credits', () => {
  it('per day: each fact on its own UTC day; customer credits never count as commissions', async () => {
    const r = await ok(h.admin('GET', `/v1/programs/${programId}${REPORT}`));
    expect(r.rows).toEqual(EXPECTED_ROWS);
    expect(r.totals).toEqual({ clicks: 0, uniqueClicks: 0, leads: 1, clickLeads: 0, sales: 2, revenue: 5000, commissions: eur(500), conversionRate: 0 });
    expect((await ok(h.admin('GET', `/v1/programs/${programId}/report?from=2026-03-02&to=2026-03-02`))).rows).toEqual([EXPECTED_ROWS[1]]);
  });

  it('the partner sees the same numbers in /v1/me/report, and a balance without the customer’s credits', async () => {
    expect((await ok(h.as(janeToken)('GET', `/v1/me${REPORT}`))).rows).toEqual(EXPECTED_ROWS);
    const balance = await ok(h.as(janeToken)('GET', '/v1/me/balance'));
    expect(balance.balances.map((b: any) => [b.unit, b.pending, b.approved, b.paid])).toEqual([['EUR', 0, 500, 0]]);
  });

  it('KPIs: owed is only the unrefunded sale’s 5.00; the fully refunded sale’s entries are reversed', async () => {
    expect(await ok(h.admin('GET', `/v1/programs/${programId}/kpis?from=2026-03-01&to=2026-03-03`))).toEqual({
      from: '2026-03-01', to: '2026-03-03', currency: 'EUR', activePartners: 1, referredCustomers: 1, conversionRate: 0, // active by code: no click, a lead and sales
      revenue: 5000, commissionsOwed: 500, commissionsPaid: 0, payoutRatio: 0.1,
    });
  });

  it('a rebuild from the raw rows gives the same report', async () => {
    await rebuildRollups(h.t.db, programId, { windowDays: 1 });
    expect((await ok(h.admin('GET', `/v1/programs/${programId}${REPORT}`))).rows).toEqual(EXPECTED_ROWS);
  });
});
