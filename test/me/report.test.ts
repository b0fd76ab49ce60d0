import { describe, expect, it } from 'vitest';
import { makePartnerApp, ok } from './helpers';
import { seedWorld } from './world';

describe('GET /v1/me/report', () => {
  it('is the program report scoped to the signed-in partner, and nobody else', async () => {
    const h = await makePartnerApp();
    const w = await seedWorld(h);
    const q = 'from=2026-03-01&to=2026-03-31&groupBy=partner';
    const mine = await ok(h.as(w.A.token)('GET', `/v1/me/report?${q}`));
    const adminView = await ok(h.admin('GET', `/v1/programs/${w.acme.id}/report?${q}&partnerId=${w.A.id}`));
    expect(mine).toEqual(adminView);
    expect(mine.rows.map((r: { key: string }) => r.key)).toEqual([w.A.id]);
    expect(mine.totals).toMatchObject({ leads: 3, sales: 1, revenue: 10000, commissions: [{ unit: 'EUR', amount: 5000 }] });
    // Asking for another partner (same program or not) is a 404, never their numbers.
    for (const other of [w.B.id, w.C.id]) {
      const r = await h.as(w.A.token)('GET', `/v1/me/report?${q}&partnerId=${other}`);
      expect(r.status).toBe(404);
    }
    const csv = await h.app.request(`/v1/me/report?${q}&format=csv`, { headers: { authorization: `Bearer ${w.A.token}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="report-${w.acme.id}-2026-03-01-2026-03-31.csv"`);
    expect(await csv.text()).not.toContain(w.B.id);
  });
});
