import { describe, expect, it } from 'vitest';
import { portalSignIn, trySignIn } from '../helpers/portal-sign-in';
import { createPartner, createProgram, expectUnauthorized, issueToken, makePartnerApp, ok } from '../me/helpers';

// "Sign out" ends this session: its token (the sign-in link it came from) is revoked alone, so a
// copy of the cookie or the link in the browser history no longer signs in. The partner's other
// sessions and tokens are untouched; "Sign out everywhere" still revokes them all.

async function world() {
  const h = await makePartnerApp();
  const program = await createProgram(h);
  const jane = await createPartner(h, program.id, 'Jane', 'jane@partner.test', 'JANE');
  const send = (path: string, init?: RequestInit) => h.app.request(path, init);
  const signOut = async (cookie: string, fields: Record<string, string> = {}) => {
    const csrf = /name="csrf" value="([0-9a-f]{32})"/.exec(await (await send('/portal/logout', { headers: { cookie } })).text())![1]!;
    return send('/portal/logout', { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf, ...fields }) });
  };
  return { h, jane, send, signOut };
}

describe('portal Sign out (this session only)', () => {
  it('revokes the session’s token: the cookie, the sign-in link and the token on /v1/me are refused; another session and token of the partner work', async () => {
    const { h, jane, send, signOut } = await world();
    const laptop = await issueToken(h, jane.id);
    const phone = await issueToken(h, jane.id);
    const laptopCookie = await portalSignIn(send, laptop);
    const phoneCookie = await portalSignIn(send, phone);

    const res = await signOut(laptopCookie);
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()).toEqual(['__Host-rl_portal=; Max-Age=0; Path=/; Secure']);
    expect(await res.text()).toContain('<p>You are signed out. The sign-in link you used no longer works; your other sign-ins are unaffected.</p>');

    const replayed = await send('/portal', { headers: { cookie: laptopCookie } }); // a copy of the cookie
    expect(replayed.status).toBe(401);
    expect(await replayed.text()).toContain('<h1>Please sign in</h1>');
    expect(await trySignIn(send, laptop)).toEqual({ status: 401, session: undefined });
    expectUnauthorized(await h.as(laptop)('GET', '/v1/me'), 'signed-out token');

    const other = await send('/portal', { headers: { cookie: phoneCookie } });
    expect(other.status).toBe(200);
    expect(await other.text()).toContain('Signed in as Jane');
    expect((await ok(h.as(phone)('GET', '/v1/me'))).id).toBe(jane.id);
  });

  it('Sign out everywhere still revokes every token of the partner', async () => {
    const { h, jane, send, signOut } = await world();
    const a = await issueToken(h, jane.id);
    const b = await issueToken(h, jane.id);
    const cookie = await portalSignIn(send, a);
    expect((await signOut(cookie, { everywhere: '1' })).status).toBe(200);
    expectUnauthorized(await h.as(a)('GET', '/v1/me'), 'session token');
    expectUnauthorized(await h.as(b)('GET', '/v1/me'), 'other token');
    expect((await trySignIn(send, b)).status).toBe(401);
  });

  it('an old rl_portal cookie (before the __Host- prefix) is cleared too, with or without a session', async () => {
    const { h, jane, send, signOut } = await world();
    const old = `rl_portal=${await issueToken(h, jane.id)}`;
    const cookie = await portalSignIn(send, await issueToken(h, jane.id));
    const res = await signOut(`${old}; ${cookie}`);
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()).toEqual(['__Host-rl_portal=; Max-Age=0; Path=/; Secure', 'rl_portal=; Max-Age=0; Path=/portal; Secure']);
    // Only the old cookie: no session (it is not read), signed out, and it goes.
    const alone = await send('/portal/logout', { headers: { cookie: old } });
    expect(alone.headers.getSetCookie()).toEqual(['__Host-rl_portal=; Max-Age=0; Path=/; Secure', 'rl_portal=; Max-Age=0; Path=/portal; Secure']);
    expect(await alone.text()).toContain('<h1>Signed out</h1>');
  });
});
