import { describe, expect, it } from 'vitest';
import { portalSignIn } from '../helpers/portal-sign-in';
import { createPartner, createProgram, issueToken, makePartnerApp, ok, snapshot } from '../me/helpers';

async function world() {
  const h = await makePartnerApp();
  const program = await createProgram(h);
  const jane = await createPartner(h, program.id, 'Jane', 'jane@partner.test', 'JANE');
  const max = await createPartner(h, program.id, 'Max', 'max@partner.test', 'MAX');
  const token = await issueToken(h, jane.id);
  const cookie = await portalSignIn((path, init) => h.app.request(path, init), token);
  const dashboard = async () => (await h.app.request('/portal', { headers: { cookie } })).text();
  const csrf = /name="csrf" value="([0-9a-f]{32})"/.exec(await dashboard())![1]!;
  const post = (body: Record<string, string>, headers: Record<string, string> = {}) =>
    h.app.request('/portal/payout-details', { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(body) });
  return { h, jane, max, token, cookie, dashboard, csrf, post };
}

describe('portal: payout details', () => {
  it('the dashboard says none are set and shows the form with the CSRF token', async () => {
    const { dashboard, csrf } = await world();
    const html = await dashboard();
    expect(html).toContain('<h2 id="payout-details">Payout details</h2>');
    expect(html).toContain('<p class="muted" data-payout-details="true">Not set yet: tell the program how you want to be paid.</p>');
    expect(html).toContain(`<form method="post" action="/portal/payout-details" class="link-row payout-form"><input type="hidden" name="csrf" value="${csrf}"/>`);
    expect([...html.matchAll(/<option value="(\w+)">([^<]+)<\/option>/g)].map((m) => [m[1], m[2]])).toEqual([
      ['paypal', 'PayPal'],
      ['wise', 'Wise'],
      ['bank_transfer', 'Bank transfer'],
      ['other', 'Other'],
    ]);
    expect(html).toContain('maxlength="500"');
  });

  it('saves from the form (303 to the dashboard), which then shows them, escaped, with the UTC day', async () => {
    const { h, jane, cookie, dashboard, csrf, post } = await world();
    const res = await post({ csrf, method: 'bank_transfer', details: ' DE89 3704 <b>Jane</b> ' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/portal?saved=payout-details');
    const html = await dashboard();
    expect(html).toContain('<p data-payout-details="true">Bank transfer: <b>DE89 3704 &lt;b&gt;Jane&lt;/b&gt;</b><span class="muted"> · updated 2026-03-01 (UTC)</span></p>');
    expect(html).toContain('<option value="bank_transfer" selected="">Bank transfer</option>');
    expect(await (await h.app.request('/portal?saved=payout-details', { headers: { cookie } })).text()).toContain('<p role="status">Payout details saved.</p>');
    expect(await ok(h.admin('GET', `/v1/partners/${jane.id}`))).toMatchObject({ payoutMethod: 'bank_transfer', payoutDetails: 'DE89 3704 <b>Jane</b>' });
  });

  it('refuses a missing or wrong CSRF token and a cross-site post (403), bad details (422 page), no session (401); nothing written', async () => {
    const { h, max, post, csrf } = await world();
    const before = await snapshot(h.t);
    const body = { method: 'paypal', details: 'evil@example.com' };
    expect((await post(body)).status).toBe(403);
    expect((await post({ ...body, csrf: 'f'.repeat(32) })).status).toBe(403);
    expect((await post({ ...body, csrf }, { origin: 'https://evil.test' })).status).toBe(403);
    expect((await post({ ...body, csrf }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const bad = await post({ csrf, method: 'paypal', details: 'not-an-email' });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('Not saved: details: must be the email address of the PayPal account');
    expect((await post({ csrf, method: 'venmo', details: 'x' })).status).toBe(422);
    expect((await post({ csrf })).status).toBe(422);
    const anonymous = await h.app.request('/portal/payout-details', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) });
    expect(anonymous.status).toBe(401);
    expect(await snapshot(h.t)).toEqual(before);
    expect(await ok(h.admin('GET', `/v1/partners/${max.id}`))).toMatchObject({ payoutMethod: null, payoutDetails: null });
  });
});
