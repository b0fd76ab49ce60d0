import { beforeAll, describe, expect, it } from 'vitest';
import { portalSignIn } from '../helpers/portal-sign-in';
import { createPartner, createProgram, issueToken, makePartnerApp, ok, type PartnerApp } from './helpers';

// A non-cash unit named as an English plural ("points") reads "1 point" for exactly one, wherever
// a partner reads money: /v1/me, the portal and the statement CSV. Symbols (MB) never change.

let h: PartnerApp;
let token: string;
let cookie: string;
let payouts: { id: string; unit: string; amount: number }[];

beforeAll(async () => {
  h = await makePartnerApp();
  const program = await createProgram(h, { currency: 'EUR', holdDays: 0 });
  const partner = await createPartner(h, program.id, 'Uno', 'uno@partner.test', 'UNO');
  await ok(h.admin('POST', `/v1/programs/${program.id}/rewards`, { event: 'lead', type: 'fixed', amount: 1, unit: 'points' }), 201);
  await ok(h.admin('POST', `/v1/programs/${program.id}/rewards`, { event: 'lead', type: 'fixed', amount: 1, unit: 'MB' }), 201);
  await ok(h.admin('POST', '/v1/track/lead', { code: 'UNO', customer: { externalId: 'cust_1' } }));
  payouts = (await ok(h.admin('POST', `/v1/programs/${program.id}/payouts`, { minAmount: 1 }), 201)).data;
  token = await issueToken(h, partner.id);
  cookie = await portalSignIn((path, init) => h.app.request(path, init), token);
});

describe('1 point, 1 MB', () => {
  it('GET /v1/me/commissions: the explanation says "fixed 1 point"; MB stays a symbol', async () => {
    const rows = (await ok(h.as(token)('GET', '/v1/me/commissions'))).data as { unit: string; explanation: string }[];
    expect(rows.map((r) => [r.unit, r.explanation]).sort()).toEqual([
      ['MB', 'fixed 1 MB'],
      ['points', 'fixed 1 point'],
    ]);
  });

  it('the portal: amounts and explanations', async () => {
    const html = await (await h.app.request('/portal', { headers: { cookie } })).text();
    const amounts = [...html.matchAll(/<tr data-commission="com_\w+"><td>[\d-]+<\/td><td class="num">([^<]*)<\/td><td>[^<]*<\/td><td>([^<]*)<\/td>/g)].map((m) => [m[1], m[2]]);
    expect(amounts.sort()).toEqual([
      ['1 MB', 'fixed 1 MB'],
      ['1 point', 'fixed 1 point'],
    ]);
    expect(html).not.toContain('1 points');
  });

  it('the statement CSV: the explanation column', async () => {
    const points = payouts.find((p) => p.unit === 'points')!;
    const res = await h.app.request(`/v1/me/payouts/${points.id}?format=csv`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]!.split(',').slice(-7)).toEqual(['1', 'points', expect.stringMatching(/^evt_/), '', 'UNO', '', 'fixed 1 point']);
    const portalCsv = await (await h.app.request(`/portal/payouts/${points.id}/statement.csv`, { headers: { cookie } })).text();
    expect(portalCsv.trimEnd().split('\r\n')[1]!.endsWith(',fixed 1 point')).toBe(true);
  });
});
