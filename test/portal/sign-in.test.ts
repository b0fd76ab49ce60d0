import { describe, expect, it } from 'vitest';
import { portalSignIn, setCookieOf, signInFormOf, trySignIn } from '../helpers/portal-sign-in';
import { createPartner, createProgram, issueToken, makePartnerApp, ok } from '../me/helpers';

// Login CSRF: a sign-in link someone else sends must not put this browser into their account.
// GET /portal/login?token= only asks; its form (pre-session nonce, double submit) signs in.
// The issued link is /portal/login#token=…: its page's script posts the fragment (step=ask) to get
// the same "Sign in as …?" page.

const NONCE_COOKIE = /^__Host-rl_login=([A-Za-z0-9_-]{32}); Max-Age=600; Path=\/; HttpOnly; Secure; SameSite=Strict$/;
/** The pre-session cookie goes once a form has used it, whatever the outcome (it is sent on every request). */
const NONCE_DROPPED = '__Host-rl_login=; Max-Age=0; Path=/; Secure';
/** The session cookie: `__Host-` (Secure, Path=/, no Domain), so no sibling subdomain can plant one. */
const SESSION = '__Host-rl_portal';
/** The session cookie before it had the prefix, cleared on sign-in and sign-out (no longer read). */
const OLD_SESSION_DROPPED = 'rl_portal=; Max-Age=0; Path=/portal; Secure';

async function world() {
  const h = await makePartnerApp();
  const program = await createProgram(h, { name: 'Acme referrals', currency: 'EUR' });
  const jane = await createPartner(h, program.id, 'Jane', 'jane@partner.test', 'JANE');
  const max = await createPartner(h, program.id, 'Max', 'max@partner.test', 'MAX');
  const token = await issueToken(h, jane.id);
  const send = (path: string, init?: RequestInit) => h.app.request(path, init);
  const offer = async (t = token, headers: Record<string, string> = {}) => send(`/portal/login?token=${encodeURIComponent(t)}`, { headers });
  const confirm = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    send('/portal/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields) });
  return { h, program, jane, max, token, send, offer, confirm };
}

async function expectPage(res: Response, status: number, title: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8');
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(setCookieOf(res, SESSION)).toBeUndefined();
  const html = await res.text();
  expect(html).toContain(`<h1>${title}</h1>`);
  return html;
}

describe('GET /portal/login?token= asks first', () => {
  it('signs nobody in: a "Sign in as …?" page (email masked) with a POST form, a pre-session cookie, no referrer, never cached', async () => {
    const { offer, token } = await world();
    const res = await offer();
    expect(res.status).toBe(200);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.getSetCookie()).toHaveLength(1);
    const nonce = NONCE_COOKIE.exec(res.headers.getSetCookie()[0]!)?.[1];
    expect(nonce).toBeDefined();
    const form = await signInFormOf(res);
    expect(form.html).toContain('<h1>Sign in to the Acme referrals partner portal as Jane (j•••@partner.test)?</h1>');
    expect(form.html).toContain('<meta name="referrer" content="no-referrer"/>');
    expect(form.html).toContain('<form method="post" action="/portal/login">');
    expect(form.html).not.toContain('jane@partner.test');
    expect(form.html).not.toContain('role="alert"');
    expect(form.fields).toEqual({ token, nonce });
  });

  it('an invalid, expired, revoked or suspended partner’s token is the error page (401): no form, no cookie', async () => {
    const { h, jane, max, token, offer } = await world();
    const maxToken = await issueToken(h, max.id);
    const short = await issueToken(h, jane.id, { ttlSeconds: 60 });
    h.t.advance(61_000);
    await ok(h.admin('PATCH', `/v1/partners/${max.id}`, { status: 'suspended' }));
    const revoked = token;
    await ok(h.admin('POST', `/v1/partners/${jane.id}/tokens/revoke`));
    for (const t of ['nope', '', short, revoked, maxToken]) {
      const res = await offer(t);
      expect(res.headers.get('set-cookie')).toBeNull();
      const html = await expectPage(res, 401, 'Please sign in');
      expect(html).toContain('<p>This sign-in link is invalid or has expired. Ask the program for a new one.</p>');
      expect(html).not.toContain('<form');
    }
  });

  it('says so when this browser is signed in as another partner; not when it is the same one', async () => {
    const { h, max, send, offer } = await world();
    const maxCookie = await portalSignIn(send, await issueToken(h, max.id));
    const html = await (await offer(undefined, { cookie: maxCookie })).text();
    expect(html).toContain('<p role="alert" class="replaces">You are signed in as Max (m•••@partner.test) in the Acme referrals partner portal. Signing in here signs you out of that account.</p>');
    const same = await (await offer(await issueToken(h, max.id), { cookie: maxCookie })).text();
    expect(same).not.toContain('role="alert"');
  });
});

describe('POST /portal/login signs in only from its own form', () => {
  it('with the page’s nonce in cookie and form: 303 to /portal, the session cookie, the nonce cookie dropped, the token in no URL', async () => {
    const { offer, confirm, send, token } = await world();
    const form = await signInFormOf(await offer());
    const res = await confirm(form.fields, { cookie: form.cookie!, origin: 'null', 'sec-fetch-site': 'same-origin' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/portal');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.getSetCookie()).toEqual([NONCE_DROPPED, `${SESSION}=${token}; Max-Age=604800; Path=/; HttpOnly; Secure; SameSite=Lax`]);
    const dashboard = await send('/portal', { headers: { cookie: setCookieOf(res, SESSION)! } });
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain('Signed in as Jane');
  });

  it('goes to /portal only: a return address in the link or the form is no open redirect', async () => {
    const { token, send, confirm } = await world();
    const offer = await send(`/portal/login?token=${encodeURIComponent(token)}&next=https://evil.test/&redirect=//evil.test&returnTo=https://evil.test`);
    const form = await signInFormOf(offer);
    expect(Object.keys(form.fields).sort()).toEqual(['nonce', 'token']);
    expect(form.html).not.toContain('evil.test');
    const res = await confirm({ ...form.fields, next: 'https://evil.test/', redirect: '//evil.test', returnTo: 'https://evil.test' }, { cookie: form.cookie! });
    expect([res.status, res.headers.get('location')]).toEqual([303, '/portal']);
  });

  it('a cross-site post — without the cookie, with another value, without the field, or from another site — is a 403 page and no session; a post that carried the cookie drops it', async () => {
    const { offer, confirm } = await world();
    const victim = await signInFormOf(await offer()); // the victim's own pre-session cookie
    const attacker = await signInFormOf(await offer()); // the attacker's page: their nonce, their token
    const cases: [string, Record<string, string>, Record<string, string>][] = [
      ['no cookie', attacker.fields, {}],
      ['another value', attacker.fields, { cookie: victim.cookie! }],
      ['no field', { token: attacker.fields.token! }, { cookie: victim.cookie! }],
      ['cross-site fetch metadata', victim.fields, { cookie: victim.cookie!, 'sec-fetch-site': 'cross-site' }],
      ['same-site, other origin', victim.fields, { cookie: victim.cookie!, 'sec-fetch-site': 'same-site' }],
      ['foreign Origin', victim.fields, { cookie: victim.cookie!, origin: 'https://evil.test' }],
    ];
    for (const [label, fields, headers] of cases) {
      const res = await confirm(fields, headers);
      expect(res.headers.getSetCookie(), label).toEqual(headers.cookie ? [NONCE_DROPPED] : []);
      const html = await expectPage(res, 403, 'Please sign in');
      expect(html, label).toContain('<p>This sign-in form has expired or did not come from this site. Open your sign-in link again.</p>');
    }
    // Another site's post never carries the Strict cookie, so it spends nothing: the victim's own
    // form still works, from PUBLIC_URL's origin too.
    expect((await confirm(victim.fields, { cookie: victim.cookie!, origin: 'https://ref.test' })).status).toBe(303);
  });

  it('a token revoked between the page and the form is the error page (401), no session; an unreadable form is a 400 page; both drop the pre-session cookie', async () => {
    const { h, jane, offer, confirm } = await world();
    const form = await signInFormOf(await offer());
    await ok(h.admin('POST', `/v1/partners/${jane.id}/tokens/revoke`));
    const refused = await confirm(form.fields, { cookie: form.cookie! });
    expect(refused.headers.getSetCookie()).toEqual([NONCE_DROPPED]);
    const html = await expectPage(refused, 401, 'Please sign in');
    expect(html).toContain('<p>This sign-in link is invalid or has expired. Ask the program for a new one.</p>');
    const bad = await h.app.request('/portal/login', { method: 'POST', headers: { cookie: form.cookie!, 'content-type': 'multipart/form-data; boundary=yy' }, body: 'abc' });
    expect(bad.headers.getSetCookie()).toEqual([NONCE_DROPPED]);
    expect(await expectPage(bad, 400, 'Please sign in')).toContain('<p>The form could not be read. Open your sign-in link again.</p>');
    const noCookie = await h.app.request('/portal/login', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=yy' }, body: 'abc' });
    expect(noCookie.headers.getSetCookie()).toEqual([]);
  });
});

describe('the session cookie is __Host-rl_portal: cookie tossing from a sibling subdomain signs nobody in', () => {
  it('a planted plain rl_portal (another partner’s valid token) is ignored by every page; the __Host- one decides', async () => {
    const { h, max, token, send, offer } = await world();
    const planted = `rl_portal=${await issueToken(h, max.id)}`; // what a sibling subdomain can set for the parent domain
    const alone = await send('/portal', { headers: { cookie: planted } });
    expect(await expectPage(alone, 401, 'Please sign in')).toContain('<p>Open the sign-in link you received to see your referrals.</p>');
    expect((await send('/portal/report.csv', { headers: { cookie: planted } })).status).toBe(401);
    // The sign-in page does not take it for a session that signing in would replace.
    expect(await (await offer(undefined, { cookie: planted })).text()).not.toContain('role="alert"');
    const jane = await portalSignIn(send, token);
    const both = await send('/portal', { headers: { cookie: `${planted}; ${jane}` } });
    expect(both.status).toBe(200);
    expect(await both.text()).toContain('Signed in as Jane');
  });

  it('signing in with an old rl_portal cookie clears it (Path=/portal, Max-Age=0) beside setting the new one', async () => {
    const { h, max, token, offer, confirm } = await world();
    const old = `rl_portal=${await issueToken(h, max.id)}`;
    const form = await signInFormOf(await offer());
    const res = await confirm(form.fields, { cookie: `${old}; ${form.cookie!}` });
    expect(res.status).toBe(303);
    expect(res.headers.getSetCookie()).toEqual([NONCE_DROPPED, OLD_SESSION_DROPPED, `${SESSION}=${token}; Max-Age=604800; Path=/; HttpOnly; Secure; SameSite=Lax`]);
  });
});

describe('the issued link carries the token after # (never sent to the server)', () => {
  const LINK_FORM = '<form method="post" action="/portal/login" id="sign-in-link"><input type="hidden" name="token" value=""/><input type="hidden" name="step" value="ask"/></form>';

  it('GET /portal/login without a query: a page whose nonce\'d script posts the fragment\'s token; without JavaScript it says so; no cookie, no referrer, never cached', async () => {
    const { send } = await world();
    const res = await send('/portal/login');
    expect(res.status).toBe(200);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.getSetCookie()).toEqual([]);
    const nonce = /script-src 'nonce-([A-Za-z0-9_-]+)'/.exec(res.headers.get('content-security-policy')!)![1]!;
    const html = await res.text();
    expect(html).toContain('<h1>Sign in to the partner portal</h1>');
    expect(html).toContain(LINK_FORM);
    expect(html).toContain('<noscript><p role="alert">Signing in needs JavaScript, which is turned off in this browser: your sign-in link keeps its token where only this page’s script can read it. Turn JavaScript on and open the link again.</p></noscript>');
    expect(html).toContain('<p role="alert" id="sign-in-link-missing" hidden="">This sign-in link is incomplete. Open the whole link you received, or ask the program for a new one.</p>');
    const script = /<script nonce="([^"]+)">([\s\S]*?)<\/script>/.exec(html);
    expect(script?.[1]).toBe(nonce);
    expect(script![2]).toContain('location.hash');
    expect(script![2]).toContain('history.replaceState(null, \'\', location.pathname)');
    expect(html.match(/<script/g)).toHaveLength(1);
  });

  it('its form (step=ask, the token) answers the "Sign in as …?" page and a pre-session cookie, whose form signs in', async () => {
    const { token, confirm, send } = await world();
    const asked = await confirm({ token, step: 'ask' });
    expect(asked.status).toBe(200);
    expect(asked.headers.get('referrer-policy')).toBe('no-referrer');
    expect(asked.headers.get('cache-control')).toBe('no-store');
    expect(asked.headers.getSetCookie()).toHaveLength(1);
    const nonce = NONCE_COOKIE.exec(asked.headers.getSetCookie()[0]!)?.[1];
    const form = await signInFormOf(asked);
    expect(form.html).toContain('<h1>Sign in to the Acme referrals partner portal as Jane (j•••@partner.test)?</h1>');
    expect(form.fields).toEqual({ token, nonce });
    const res = await confirm(form.fields, { cookie: form.cookie!, origin: 'null', 'sec-fetch-site': 'same-origin' });
    expect([res.status, res.headers.get('location')]).toEqual([303, '/portal']);
    expect(res.headers.getSetCookie()).toEqual([NONCE_DROPPED, `${SESSION}=${token}; Max-Age=604800; Path=/; HttpOnly; Secure; SameSite=Lax`]);
    expect(await (await send('/portal', { headers: { cookie: setCookieOf(res, SESSION)! } })).text()).toContain('Signed in as Jane');
  });

  it('step=ask with a bad, revoked or missing token is the error page (401): no form, no cookie; a held pre-session cookie stays', async () => {
    const { h, jane, token, confirm } = await world();
    await ok(h.admin('POST', `/v1/partners/${jane.id}/tokens/revoke`));
    const cases: Record<string, string>[] = [{ token: 'nope', step: 'ask' }, { token, step: 'ask' }, { step: 'ask' }];
    for (const fields of cases) {
      const res = await confirm(fields, { cookie: '__Host-rl_login=held' });
      expect(res.headers.getSetCookie()).toEqual([]);
      const html = await expectPage(res, 401, 'Please sign in');
      expect(html).toContain('<p>This sign-in link is invalid or has expired. Ask the program for a new one.</p>');
    }
  });

  it('links sent before (?token=) still ask and sign in', async () => {
    const { token, send } = await world();
    expect((await trySignIn(send, token)).status).toBe(303);
  });
});
