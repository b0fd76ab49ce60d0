import { describe, expect, it } from 'vitest';
import { rawClient } from '../foundation/support';
import { portalSignIn, trySignIn } from '../helpers/portal-sign-in';
import { createPartner, createProgram, expectUnauthorized, issueToken, makePartnerApp, ok } from '../me/helpers';

// Signing out while suspended revokes, as it does for an active partner: a suspension locks the
// partner out, but a reactivation brings back only what was not revoked. (Before, Sign out and the
// /v1/me revoke routes needed an active partner: they answered "signed out" or 401 and revoked
// nothing, so the session cookie and the sign-in link worked again after the reactivation.)

async function world() {
  const h = await makePartnerApp();
  const program = await createProgram(h);
  const jane = await createPartner(h, program.id, 'Jane', 'jane@partner.test', 'JANE');
  const send = (path: string, init?: RequestInit) => h.app.request(path, init);
  const form = (cookie: string, fields: Record<string, string>) =>
    send('/portal/logout', { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
  const setStatus = (status: 'active' | 'suspended') => ok(h.admin('PATCH', `/v1/partners/${jane.id}`, { status }));
  const revocations = async () => (await rawClient(h.t).execute('select token_id from revoked_partner_tokens order by token_id')).rows.map((r) => r.token_id);
  const generation = async () => Number((await rawClient(h.t).execute({ sql: 'select token_generation from partners where id = ?', args: [jane.id] })).rows[0]!.token_generation);
  return { h, jane, send, form, setStatus, revocations, generation };
}

const csrfOf = (html: string) => /name="csrf" value="([0-9a-f]{32})"/.exec(html)?.[1];
const tokenIdOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).jti as string;

describe('portal Sign out while the partner is suspended', () => {
  it('GET /portal/logout still offers the form; Sign out revokes this session alone, which stays refused after reactivation', async () => {
    const { h, jane, send, form, setStatus, revocations } = await world();
    const laptop = await issueToken(h, jane.id);
    const phone = await issueToken(h, jane.id);
    const laptopCookie = await portalSignIn(send, laptop);
    await setStatus('suspended');

    expect((await send('/portal', { headers: { cookie: laptopCookie } })).status).toBe(401);
    const offer = await send('/portal/logout', { headers: { cookie: laptopCookie } });
    const html = await offer.text();
    expect([offer.status, html.includes('<h1>Sign out</h1>')]).toEqual([200, true]);
    const csrf = csrfOf(html)!;
    expect(csrf).toMatch(/^[0-9a-f]{32}$/);

    // A forged form revokes nothing.
    expect((await form(laptopCookie, { csrf: '0'.repeat(32) })).status).toBe(403);
    expect(await revocations()).toEqual([]);

    const res = await form(laptopCookie, { csrf });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()).toEqual(['__Host-rl_portal=; Max-Age=0; Path=/; Secure']);
    expect(await res.text()).toContain('<p>You are signed out. The sign-in link you used no longer works; your other sign-ins are unaffected.</p>');
    expect(await revocations()).toEqual([tokenIdOf(laptop)]);

    await setStatus('active');
    const replayed = await send('/portal', { headers: { cookie: laptopCookie } });
    expect(replayed.status).toBe(401);
    expect(await replayed.text()).toContain('<h1>Please sign in</h1>');
    expect(await trySignIn(send, laptop)).toEqual({ status: 401, session: undefined });
    expectUnauthorized(await h.as(laptop)('GET', '/v1/me'), 'signed-out token');
    // The partner's other token was not signed out: it works again with the reactivation.
    expect((await ok(h.as(phone)('GET', '/v1/me'))).name).toBe('Jane');
  });

  it('Sign out everywhere while suspended revokes every token issued so far; reactivated, none works', async () => {
    const { h, jane, send, form, setStatus, generation } = await world();
    const a = await issueToken(h, jane.id);
    const b = await issueToken(h, jane.id);
    const cookie = await portalSignIn(send, a);
    const csrf = csrfOf(await (await send('/portal', { headers: { cookie } })).text())!; // the page open before the suspension
    await setStatus('suspended');
    const before = await generation();

    const res = await form(cookie, { csrf, everywhere: '1' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<p>You are signed out everywhere: your earlier sign-in links and API tokens no longer work. Ask the program for a new sign-in link.</p>');
    expect(await generation()).toBe(before + 1);

    await setStatus('active');
    expect((await send('/portal', { headers: { cookie } })).status).toBe(401);
    expectUnauthorized(await h.as(a)('GET', '/v1/me'), 'session token');
    expectUnauthorized(await h.as(b)('GET', '/v1/me'), 'other token');
    expect((await trySignIn(send, b)).status).toBe(401);
    // A token issued after the reactivation works.
    expect((await ok(h.as(await issueToken(h, jane.id))('GET', '/v1/me'))).id).toBe(jane.id);
  });

  it('a session already signed out, or no session, is the signed-out page whether or not the partner is suspended', async () => {
    const { h, jane, send, form, setStatus } = await world();
    const cookie = await portalSignIn(send, await issueToken(h, jane.id));
    const csrf = csrfOf(await (await send('/portal/logout', { headers: { cookie } })).text())!;
    await setStatus('suspended');
    expect((await form(cookie, { csrf })).status).toBe(200);
    for (const headers of [{ cookie }, {}] as Record<string, string>[]) {
      const page = await send('/portal/logout', { headers });
      expect([page.status, (await page.text()).includes('<h1>Signed out</h1>')]).toEqual([200, true]);
    }
  });
});

describe('/v1/me token revocation while the partner is suspended', () => {
  it('POST /v1/me/tokens/current/revoke revokes this token; the rest of /v1/me stays 401; reactivated, it is refused and the others work', async () => {
    const { h, jane, setStatus, revocations } = await world();
    const mine = await issueToken(h, jane.id);
    const other = await issueToken(h, jane.id);
    await setStatus('suspended');
    expectUnauthorized(await h.as(mine)('GET', '/v1/me'), 'suspended');

    const r = await h.as(mine)('POST', '/v1/me/tokens/current/revoke');
    expect([r.status, r.body, r.res.headers.get('cache-control')]).toEqual([200, { partnerId: jane.id, tokenId: tokenIdOf(mine), revoked: true }, 'no-store']);
    expect(await revocations()).toEqual([tokenIdOf(mine)]);
    // Revoked, it no longer revokes either (as for an active partner).
    expectUnauthorized(await h.as(mine)('POST', '/v1/me/tokens/current/revoke'), 'revoked token');
    expectUnauthorized(await h.as(mine)('POST', '/v1/me/tokens/revoke'), 'revoked token');

    await setStatus('active');
    expectUnauthorized(await h.as(mine)('GET', '/v1/me'), 'revoked token');
    expect((await ok(h.as(other)('GET', '/v1/me'))).id).toBe(jane.id);
  });

  it('POST /v1/me/tokens/revoke signs out everywhere; reactivated, no earlier token works', async () => {
    const { h, jane, setStatus, generation } = await world();
    const a = await issueToken(h, jane.id);
    const b = await issueToken(h, jane.id);
    await setStatus('suspended');
    const before = await generation();
    const r = await h.as(a)('POST', '/v1/me/tokens/revoke', undefined, { 'idempotency-key': 'sign-out-1' });
    expect([r.status, r.body]).toEqual([200, { partnerId: jane.id, revoked: true }]);
    expect(await generation()).toBe(before + 1);
    await setStatus('active');
    expectUnauthorized(await h.as(a)('GET', '/v1/me'), 'token a');
    expectUnauthorized(await h.as(b)('GET', '/v1/me'), 'token b');
  });

  it('still refuses what is no partner token: none, garbage, an admin key', async () => {
    const { h } = await world();
    for (const path of ['/v1/me/tokens/revoke', '/v1/me/tokens/current/revoke']) {
      expectUnauthorized(await h.as(null)('POST', path), `${path} without a token`);
      expectUnauthorized(await h.as('not-a-token')('POST', path), `${path} garbage`);
      expectUnauthorized(await h.admin('POST', path), `${path} admin key`);
    }
  });
});

