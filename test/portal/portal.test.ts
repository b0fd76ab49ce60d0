import { describe, expect, it } from 'vitest';
import { ADMIN_KEY } from '../helpers/app';
import { portalSignIn } from '../helpers/portal-sign-in';
import { createPartner, createProgram, issueToken, makePartnerApp, ok, T0 } from '../me/helpers';

async function world() {
  const h = await makePartnerApp();
  const program = await createProgram(h, { currency: 'EUR', holdDays: 0, leaderboardEnabled: true });
  const jane = await createPartner(h, program.id, 'Jane', 'jane@partner.test', 'JANE');
  const max = await createPartner(h, program.id, 'Max', 'max@partner.test', 'MAX');
  await ok(h.admin('POST', `/v1/programs/${program.id}/rewards`, { event: 'lead', type: 'fixed', amount: 1250 }), 201);
  for (const [code, n] of [['JANE', 2], ['MAX', 1]] as const) {
    for (let i = 0; i < n; i++) await ok(h.admin('POST', '/v1/track/lead', { code, customer: { externalId: `${code}-${i}` } }));
  }
  await ok(h.admin('POST', '/v1/track/sale', { programId: program.id, customerExternalId: 'JANE-0', externalId: 'o1', amount: 9900, currency: 'EUR' }));
  const token = await issueToken(h, jane.id);
  return { h, program, jane, max, token };
}

const signIn = (h: Awaited<ReturnType<typeof makePartnerApp>>, token: string) => portalSignIn((path, init) => h.app.request(path, init), token);

describe('partner portal', () => {
  it('signs in through the token link (and its confirmation) and shows only the partner’s own numbers', async () => {
    const { h, jane, token } = await world();
    const cookie = await signIn(h, token);
    const res = await h.app.request('/portal', { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'; style-src 'nonce-/);
    const html = await res.text();
    expect(html).toContain('Signed in as Jane');
    expect(html).toContain('<dd data-unit="EUR" data-balance="approved">€25.00</dd>');
    // Plain labels: the amounts name their unit
    expect([...html.matchAll(/<dl class="card" data-status="(\w+)"><dt>([^<]*)<\/dt>/g)].map((m) => [m[1], m[2]])).toEqual([['pending', 'Pending'], ['approved', 'Approved'], ['paid', 'Paid']]);
    expect(html).not.toContain('(EUR)');
    expect(html).toContain('https://ref.test/JANE');
    expect(html).not.toContain('max@partner.test');
    expect(html.match(/data-commission=/g)?.length).toBe(2);
    // The program enables its leaderboard: Jane's one sale ranks her first; Max has none.
    expect(html).toContain('<li data-rank="1"><b>Jane (you)</b> — 1</li>');
    expect(html).not.toContain('data-rank="2"');
    void jane;
  });

  it('refuses a bad, expired or admin token and pages without a session', async () => {
    const { h } = await world();
    for (const t of ['nope', ADMIN_KEY, '']) {
      const r = await h.app.request(`/portal/login?token=${encodeURIComponent(t)}`);
      expect(r.status).toBe(401);
      expect(r.headers.get('set-cookie')).toBeNull();
    }
    expect((await h.app.request('/portal')).status).toBe(401);
    expect((await h.app.request('/portal/report.csv')).status).toBe(401);
    expect((await h.app.request('/portal', { headers: { cookie: `__Host-rl_portal=${ADMIN_KEY}` } })).status).toBe(401);
  });

  it('downloads the partner’s CSV', async () => {
    const { h, token } = await world();
    const cookie = await signIn(h, token);
    const res = await h.app.request('/portal/report.csv?days=30', { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="report-prg_\w+-2026-01-31-2026-03-01\.csv"$/);
    const text = await res.text();
    expect(text.split('\r\n')[0]).toMatch(/^key,/);
    expect(text).toContain('2026-03-01');
    expect(text).toContain('25.00');
  });

  it('creates a link from the form only with the session’s CSRF token and a same-origin request', async () => {
    const { h, token } = await world();
    const cookie = await signIn(h, token);
    const html = await (await h.app.request('/portal', { headers: { cookie } })).text();
    const csrf = /name="csrf" value="([0-9a-f]{32})"/.exec(html)![1]!;
    const post = (body: Record<string, string>, headers: Record<string, string> = {}) =>
      h.app.request('/portal/links', { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(body) });
    expect((await post({ url: 'https://acme.test/x', campaign: 'c' })).status).toBe(403);
    expect((await post({ url: 'https://acme.test/x', csrf: 'f'.repeat(32) })).status).toBe(403);
    expect((await post({ url: 'https://acme.test/x', csrf }, { origin: 'https://evil.test' })).status).toBe(403);
    expect((await post({ url: 'https://acme.test/x', csrf }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post({ url: 'https://evil.test/x', csrf })).status).toBe(422);
    const created = await post({ url: 'https://acme.test/x', campaign: 'spring', csrf });
    expect(created.status).toBe(303);
    const links = await h.as(token)('GET', '/v1/me/links');
    expect(links.body.data.map((l: { url: string; campaign: string }) => [l.url, l.campaign])).toContainEqual(['https://acme.test/x', 'spring']);
    expect(links.body.data.length).toBe(2);
  });

  it('accepts a form posted from PUBLIC_URL’s origin (behind a TLS proxy the server sees http://)', async () => {
    // makeApp sets PUBLIC_URL=https://ref.test, the origin of the portalUrl; app.request reaches http://localhost.
    const { h, token } = await world();
    const cookie = await signIn(h, token);
    const html = await (await h.app.request('/portal', { headers: { cookie } })).text();
    const csrf = /name="csrf" value="([0-9a-f]{32})"/.exec(html)![1]!;
    const post = (origin: string, url: string) =>
      h.app.request('/portal/links', { method: 'POST', headers: { cookie, origin, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf, url }) });
    expect((await post('https://ref.test', 'https://acme.test/from-public')).status).toBe(303);
    expect((await post('http://localhost', 'https://acme.test/from-direct')).status).toBe(303);
    expect((await post('http://ref.test', 'https://acme.test/x')).status).toBe(403);
    expect((await post('https://ref.test.evil.test', 'https://acme.test/x')).status).toBe(403);
    const urls = (await h.as(token)('GET', '/v1/me/links')).body.data.map((l: { url: string }) => l.url);
    expect(urls.filter((u: string) => u.includes('/from-')).sort()).toEqual(['https://acme.test/from-direct', 'https://acme.test/from-public']);
  });

  it('shows the "created" notice only for a code of the partner’s own links, not for any text in the query string', async () => {
    const { h, token, max } = await world();
    const cookie = await signIn(h, token);
    const status = async (qs: string) => /<p role="status">([^<]*)<\/p>/.exec(await (await h.app.request(`/portal${qs}`, { headers: { cookie } })).text())?.[1] ?? null;
    expect(await status('?created=JANE')).toBe('Link JANE created.');
    expect(await status(`?created=${encodeURIComponent('x. Your payouts are paused: confirm your bank details at https://evil.test')}`)).toBeNull();
    expect(await status(`?created=${encodeURIComponent(max.code)}`)).toBeNull(); // another partner's code
    expect(await status('?created=')).toBeNull();
  });

  it('signs out only by its own form: POST with the CSRF token from our origin clears the cookie; a GET or a foreign post does not', async () => {
    const { h, token } = await world();
    const cookie = await signIn(h, token);
    const html = await (await h.app.request('/portal', { headers: { cookie } })).text();
    expect(html).toContain('<form method="post" action="/portal/logout" class="signout">');
    const csrf = /name="csrf" value="([0-9a-f]{32})"/.exec(html)![1]!;
    const post = (body: Record<string, string>, headers: Record<string, string> = { origin: 'http://localhost' }) =>
      h.app.request('/portal/logout', { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(body) });

    // A link or an image from another site: a page with the form, the session stays.
    const viaGet = await h.app.request('/portal/logout', { headers: { cookie } });
    expect(viaGet.status).toBe(200);
    expect(viaGet.headers.get('set-cookie')).toBeNull();
    expect(await viaGet.text()).toContain(`<input type="hidden" name="csrf" value="${csrf}"/>`);
    // A form on another site, or one without our token: 403, the session stays.
    for (const res of [await post({ csrf }, { origin: 'https://evil.test' }), await post({ csrf: 'f'.repeat(32) }), await post({})]) {
      expect(res.status).toBe(403);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    expect((await h.app.request('/portal', { headers: { cookie } })).status).toBe(200);

    const res = await post({ csrf });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBe('__Host-rl_portal=; Max-Age=0; Path=/; Secure');
    expect(await res.text()).toContain('You are signed out.');
    // Without a session both answer "signed out".
    expect((await h.app.request('/portal/logout')).status).toBe(200);
    void T0;
  });
});
