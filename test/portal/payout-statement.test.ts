import { beforeAll, describe, expect, it } from 'vitest';
import { createPartner, createProgram, issueToken, makePartnerApp, ok, type PartnerApp } from '../me/helpers';
import { portalSignIn } from '../helpers/portal-sign-in';

// Jane (EUR, no hold) earns 12.50 per lead: two by a link whose campaign is HTML, one by her code;
// a refund-free payout of all three (37.50). Max earns one lead and has a payout of his own.
let h: PartnerApp;
let cookie: string;
let janeToken: string;
let janePayout: any;
let maxPayout: any;
beforeAll(async () => {
  h = await makePartnerApp();
  const program = await createProgram(h, { currency: 'EUR', holdDays: 0 });
  const jane = await createPartner(h, program.id, 'Jane', 'jane@partner.test', 'JANE');
  const max = await createPartner(h, program.id, 'Max', 'max@partner.test', 'MAX');
  await ok(h.admin('POST', `/v1/partners/${jane.id}/links`, { url: 'https://acme.test/x', code: 'jane-html', campaign: '<b>spring</b>' }), 201);
  await ok(h.admin('POST', `/v1/programs/${program.id}/rewards`, { event: 'lead', type: 'fixed', amount: 1250 }), 201);
  for (const [i, code] of ['jane-html', 'jane-html', 'JANE', 'MAX'].entries()) {
    await ok(h.admin('POST', '/v1/track/lead', { code, customer: { externalId: `cus_${i}` } }));
    h.t.advance(1000);
  }
  await ok(h.admin('POST', '/v1/jobs/approve-commissions'));
  const made = (await ok(h.admin('POST', `/v1/programs/${program.id}/payouts`, {}), 201)).data as any[];
  janePayout = made.find((p) => p.partnerId === jane.id);
  maxPayout = made.find((p) => p.partnerId === max.id);
  janeToken = await issueToken(h, jane.id);
  cookie = await portalSignIn((path, init) => h.app.request(path, init), janeToken);
});

const get = (path: string, headers: Record<string, string> = { cookie }) => h.app.request(path, { headers });

describe('portal payout statement', () => {
  it('the dashboard’s payout row links to its statement', async () => {
    const html = await (await get('/portal')).text();
    expect(html).toContain(`<a href="/portal/payouts/${janePayout.id}">`);
    expect(html).not.toContain(maxPayout.id);
  });

  it('GET /portal/payouts/:id: the payout, its entries newest first with links (escaped), a total and a CSV link, with the portal’s headers', async () => {
    const res = await get(`/portal/payouts/${janePayout.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'nonce-.*frame-ancestors 'none'/);
    expect([res.headers.get('cache-control'), res.headers.get('x-frame-options'), res.headers.get('x-content-type-options'), res.headers.get('referrer-policy')]).toEqual(['no-store', 'DENY', 'nosniff', 'same-origin']);
    const html = await res.text();
    expect(html).toContain('<h1>Payout of €37.50</h1>');
    expect(html).toContain('<b data-summary="status">pending</b>');
    expect(html).toContain('<b data-summary="entries">3</b>');
    expect(html).toContain(`<a href="/portal/payouts/${janePayout.id}/statement.csv" download="">Download CSV</a>`);
    const rows = [...html.matchAll(/<tr data-entry="(com_\w+)"><td>[\d-]+<\/td><td>(\w+)<\/td><td class="num">([^<]+)<\/td><td>([^<]*)<\/td>/g)].map((m) => [m[2], m[3], m[4]]);
    expect(rows).toEqual([
      ['commission', '€12.50', 'JANE'],
      ['commission', '€12.50', 'jane-html · &lt;b&gt;spring&lt;/b&gt;'],
      ['commission', '€12.50', 'jane-html · &lt;b&gt;spring&lt;/b&gt;'],
    ]);
    expect(html).toContain('<tfoot><tr><th scope="row" colspan="2">Total</th><td class="num" data-total="true">€37.50</td><td colspan="2"></td></tr></tfoot>');
    expect(html).not.toContain('<b>spring</b>');
    expect(html).not.toContain('data-more=');
  });

  it('another partner’s payout, an unknown id and their CSVs are the portal’s 404 page; no session is the sign-in page', async () => {
    for (const id of [maxPayout.id, 'pay_unknown', 'x'.repeat(300)]) {
      for (const path of [`/portal/payouts/${id}`, `/portal/payouts/${id}/statement.csv`]) {
        const res = await get(path);
        expect(res.status, path).toBe(404);
        expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8');
        const html = await res.text();
        expect(html).toContain('<h1>Page not found</h1>');
        expect(html).not.toContain('12.50');
      }
    }
    for (const path of [`/portal/payouts/${janePayout.id}`, `/portal/payouts/${janePayout.id}/statement.csv`]) {
      const res = await get(path, {});
      expect(res.status, path).toBe(401);
      expect(await res.text()).toContain('<h1>Please sign in</h1>');
    }
  });

  it('GET /portal/payouts/:id/statement.csv is the API’s statement CSV, byte for byte, never cached', async () => {
    const res = await get(`/portal/payouts/${janePayout.id}/statement.csv`);
    expect(res.status).toBe(200);
    expect([res.headers.get('content-type'), res.headers.get('content-disposition'), res.headers.get('cache-control'), res.headers.get('x-content-type-options')]).toEqual([
      'text/csv; charset=utf-8',
      `attachment; filename="payout-${janePayout.id}.csv"`,
      'no-store',
      'nosniff',
    ]);
    const api = await h.app.request(`/v1/me/payouts/${janePayout.id}?format=csv`, { headers: { authorization: `Bearer ${janeToken}` } });
    const text = await res.text();
    expect(text).toBe(await api.text());
    expect(text.split('\r\n').map((l) => l.split(',').slice(6, 8).join(' '))).toEqual(['amount unit', '12.50 EUR', '12.50 EUR', '12.50 EUR', '']);
  });
});

describe('portal payout statement past the page’s limit', () => {
  it('201 entries: the page shows the newest 200 and says so; the CSV has all 201', async () => {
    const f = await makePartnerApp();
    const program = await createProgram(f, { currency: 'EUR', holdDays: 0 });
    const jane = await createPartner(f, program.id, 'Jane', 'jane@partner.test', 'JANE');
    await ok(f.admin('POST', `/v1/programs/${program.id}/rewards`, { event: 'lead', type: 'fixed', amount: 100 }), 201);
    for (let i = 0; i < 201; i++) await ok(f.admin('POST', '/v1/track/lead', { code: 'JANE', customer: { externalId: `cus_${i}` } }));
    f.t.advance(1000);
    await ok(f.admin('POST', '/v1/jobs/approve-commissions'));
    const [payout] = (await ok(f.admin('POST', `/v1/programs/${program.id}/payouts`, {}), 201)).data;
    expect([payout.amount, payout.entryCount]).toEqual([20100, 201]);
    const headers = { cookie: await portalSignIn((path, init) => f.app.request(path, init), await issueToken(f, jane.id)) };
    const html = await (await f.app.request(`/portal/payouts/${payout.id}`, { headers })).text();
    expect(html.match(/<tr data-entry=/g)).toHaveLength(200);
    expect(html).toContain('<p class="muted" data-more="entries">Showing the newest 200 of 201 commissions; the CSV has them all.</p>');
    const csv = await (await f.app.request(`/portal/payouts/${payout.id}/statement.csv`, { headers })).text();
    expect(csv.split('\r\n')).toHaveLength(1 + 201 + 1);
  });
});
