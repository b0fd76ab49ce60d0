import { afterEach, describe, expect, it, vi } from 'vitest';
import { rawClient } from '../foundation/support';
import { portalSignIn, trySignIn } from '../helpers/portal-sign-in';
import { createPartner, createProgram, issueToken, makePartnerApp, ok, signedInPortal } from '../me/helpers';

// Every portal answer is a page a partner's browser can show: never the API's JSON, never a bare 500.

const CSP = /^default-src 'none'; style-src 'nonce-/;

async function expectPage(res: Response, status: number, title: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8');
  expect(res.headers.get('content-security-policy')).toMatch(CSP);
  expect(res.headers.get('cache-control')).toBe('no-store');
  const html = await res.text();
  expect(html).toContain(`<h1>${title}</h1>`);
  return html;
}

afterEach(() => vi.restoreAllMocks());

describe('portal error pages', () => {
  it('an unknown portal path or method is a 404 page with a way back, signed in or not', async () => {
    const { h, cookie } = await signedInPortal();
    for (const [method, path] of [['GET', '/portal/'], ['GET', '/portal/nope'], ['GET', '/portal/links'], ['POST', '/portal'], ['DELETE', '/portal/links'], ['GET', '/portal/report.csv/x']]) {
      for (const headers of [{ cookie }, {}] as Record<string, string>[]) {
        const html = await expectPage(await h.app.request(path!, { method, headers }), 404, 'Page not found');
        expect(html, `${method} ${path}`).toContain('<a href="/portal">Go to the partner portal</a>');
      }
    }
  });

  it('a failure behind the dashboard is a 500 page, not the API’s JSON', async () => {
    const { h, cookie } = await signedInPortal();
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    await rawClient(h.t).execute('drop table payouts');
    const html = await expectPage(await h.app.request('/portal', { headers: { cookie } }), 500, 'Something went wrong');
    expect(html).toContain('<a href="/portal">Go to the partner portal</a>');
    expect(logged).toHaveBeenCalledTimes(1);
    expect(String(logged.mock.calls[0]![0])).toBe('unhandled error');
  });
});

describe('portal security headers', () => {
  it('every page forbids framing (old browsers too) and other sites’ referrers; the sign-in page (its URL holds the token) sends no referrer; it and the CSV are never cached or sniffed', async () => {
    const { h, cookie, token } = await signedInPortal();
    for (const [path, headers] of [['/portal', { cookie }], ['/portal', {}], ['/portal/logout', { cookie }], ['/portal/nope', {}]] as const) {
      const res = await h.app.request(path, { headers });
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('referrer-policy'), path).toBe('same-origin');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
    }
    // The sign-in page's URL holds the token: no referrer at all, never cached
    const login = await h.app.request(`/portal/login?token=${encodeURIComponent(token)}`);
    expect(login.status).toBe(200);
    expect(login.headers.get('cache-control')).toBe('no-store');
    expect(login.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await login.text()).toContain('<meta name="referrer" content="no-referrer"/>');
    const csv = await h.app.request('/portal/report.csv', { headers: { cookie } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('cache-control')).toBe('no-store');
    expect(csv.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('POST /portal/links campaign', () => {
  it('a campaign over 100 characters is refused with a page, as the API refuses it, instead of being cut short (possibly mid-emoji)', async () => {
    const { h, cookie, token } = await signedInPortal();
    const html = await (await h.app.request('/portal', { headers: { cookie } })).text();
    expect(html).toContain('<input id="new-campaign" name="campaign" maxlength="100" placeholder="campaign (optional)"/>');
    const csrf = /name="csrf" value="([0-9a-f]{32})"/.exec(html)![1]!;
    const post = (campaign: string) =>
      h.app.request('/portal/links', { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf, url: 'https://acme.test/x', campaign }) });
    for (const campaign of ['x'.repeat(101), `${'x'.repeat(99)}😀`]) {
      const page = await expectPage(await post(campaign), 422, 'Link not created');
      expect(page).toContain('<p>The campaign must be at most 100 characters.</p>');
    }
    expect((await post(`  ${'y'.repeat(100)}  `)).status).toBe(303);
    const links = (await h.as(token)('GET', '/v1/me/links')).body.data as { campaign: string | null }[];
    expect(links.map((l) => l.campaign).sort()).toEqual([null, 'y'.repeat(100)]); // JANE's default link and the new one
  });
});

describe('portal payouts', () => {
  it('lists the partner’s own payouts under column headers, with their commissions count, paid date and (escaped) reference, as the API does', async () => {
    const h = await makePartnerApp();
    const program = await createProgram(h, { currency: 'EUR', holdDays: 0 });
    const jane = await createPartner(h, program.id, 'Jane', 'jane@partner.test', 'JANE');
    await createPartner(h, program.id, 'Max', 'max@partner.test', 'MAX');
    await ok(h.admin('POST', `/v1/programs/${program.id}/rewards`, { event: 'lead', type: 'fixed', amount: 123456 }), 201);
    for (const [code, n] of [['JANE', 2], ['MAX', 1]] as const) {
      for (let i = 0; i < n; i++) await ok(h.admin('POST', '/v1/track/lead', { code, customer: { externalId: `${code}-${i}` } }));
    }
    const made = (await ok(h.admin('POST', `/v1/programs/${program.id}/payouts`, { minAmount: 100 }), 201)).data as { id: string; partnerId: string }[];
    const mine = made.find((p) => p.partnerId === jane.id)!;
    await ok(h.admin('POST', `/v1/payouts/${mine.id}/mark-paid`, { reference: '<script>alert(1)</script>' }));
    const token = await issueToken(h, jane.id);
    const api = (await ok(h.as(token)('GET', '/v1/me/payouts'))).data as { id: string; paidAt: string }[];
    expect(api.map((p) => p.id)).toEqual([mine.id]);

    const cookie = await portalSignIn((path, init) => h.app.request(path, init), token);
    const html = await (await h.app.request('/portal', { headers: { cookie } })).text();
    const section = html.slice(html.indexOf('<h2 id="payouts">'), html.indexOf('</section>', html.indexOf('<h2 id="payouts">')));
    expect(section).toContain('<thead><tr><th>Date (UTC)</th><th class="num">Amount</th><th class="num">Commissions</th><th>Status</th></tr></thead>');
    expect(section.match(/data-payout=/g)?.length).toBe(1);
    expect(section).toContain(
      `<tr data-payout="${mine.id}"><td><a href="/portal/payouts/${mine.id}">2026-03-01</a></td><td class="num">€2,469.12</td><td class="num">2</td><td>paid ${api[0]!.paidAt.slice(0, 10)} · &lt;script&gt;alert(1)&lt;/script&gt;</td></tr>`,
    );
  });
});

describe('portal sign out everywhere', () => {
  it('ends every sign-in link and token issued so far (a plain sign-out ends only its own), only by its own form', async () => {
    const { h, cookie, token } = await signedInPortal();
    const apiToken = await issueToken(h, (await ok(h.as(token)('GET', '/v1/me'))).id);
    const otherLink = await issueToken(h, (await ok(h.as(token)('GET', '/v1/me'))).id);
    const otherCookie = await portalSignIn((path, init) => h.app.request(path, init), otherLink);
    const html = await (await h.app.request('/portal', { headers: { cookie } })).text();
    const csrf = /name="csrf" value="([0-9a-f]{32})"/.exec(html)![1]!;
    expect(html).toContain('<form method="post" action="/portal/logout" class="everywhere">');
    expect(html).toContain('<input type="hidden" name="everywhere" value="1"/>');
    const post = (body: Record<string, string>, origin = 'http://localhost', session = cookie) =>
      h.app.request('/portal/logout', { method: 'POST', headers: { cookie: session, origin, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) });
    const login = async (link = token) => (await trySignIn((path, init) => h.app.request(path, init), link)).status;

    // A plain sign-out (another browser's session) ends that session's link only: this one still signs in.
    const otherCsrf = /name="csrf" value="([0-9a-f]{32})"/.exec(await (await h.app.request('/portal', { headers: { cookie: otherCookie } })).text())![1]!;
    expect((await post({ csrf: otherCsrf }, 'http://localhost', otherCookie)).status).toBe(200);
    expect(await login(otherLink)).toBe(401);
    expect(await login()).toBe(303);
    // Another site's form or a missing token: 403, nothing revoked.
    expect((await post({ csrf, everywhere: '1' }, 'https://evil.test')).status).toBe(403);
    expect((await post({ everywhere: '1' })).status).toBe(403);
    expect(await login()).toBe(303);

    const res = await post({ csrf, everywhere: '1' });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBe('__Host-rl_portal=; Max-Age=0; Path=/; Secure');
    expect(await res.text()).toContain('<p>You are signed out everywhere: your earlier sign-in links and API tokens no longer work. Ask the program for a new sign-in link.</p>');
    expect(await login()).toBe(401);
    expect((await h.app.request('/portal', { headers: { cookie } })).status).toBe(401);
    expect((await h.as(apiToken)('GET', '/v1/me')).status).toBe(401);
  });
});

describe('portal list limits', () => {
  it('says when it shows only the newest 50 links instead of silently dropping the rest', async () => {
    const { h, cookie, token } = await signedInPortal();
    const note = '<p class="muted" data-more="links">Showing your newest 50 links.</p>';
    for (let i = 0; i < 49; i++) await ok(h.as(token)('POST', '/v1/me/links', { campaign: `c${i}` }), 201);
    let html = await (await h.app.request('/portal', { headers: { cookie } })).text();
    expect(html.match(/data-link=/g)?.length).toBe(50);
    expect(html).not.toContain('data-more=');
    await ok(h.as(token)('POST', '/v1/me/links', { campaign: 'one more' }), 201);
    html = await (await h.app.request('/portal', { headers: { cookie } })).text();
    expect(html.match(/data-link=/g)?.length).toBe(50);
    expect(html).toContain(note);
  });
});
