import { describe, expect, it } from 'vitest';
import { rawClient } from '../foundation/support';
import { portalSignIn, setCookieOf, signInFormOf } from '../helpers/portal-sign-in';
import { createPartner, createProgram, issueToken, makePartnerApp } from '../me/helpers';
import { csrfTokenOf } from '../../src/portal/session';

// Sign-in (GET and POST /portal/login) has its own limit per client IP,
// PORTAL_LOGIN_RATE_LIMIT_PER_MINUTE (all of it at once, refilled over the minute); the other POSTs
// share the API's RATE_LIMIT_PER_SECOND (burst 2×) per session token (the bucket /v1/me uses).
// Over either: an HTML page with Retry-After.

async function world(env: Record<string, string>) {
  const h = await makePartnerApp({ env: { RATE_LIMIT_PER_SECOND: '0', PORTAL_LOGIN_RATE_LIMIT_PER_MINUTE: '0', ...env } });
  const program = await createProgram(h, { currency: 'EUR' });
  const jane = await createPartner(h, program.id, 'Jane', 'jane@partner.test', 'JANE');
  const token = await issueToken(h, jane.id);
  const send = (path: string, init?: RequestInit) => h.app.request(path, init);
  return { h, token, send };
}

async function expectLimitedPage(res: Response, wait = 1) {
  expect(res.status).toBe(429);
  expect(res.headers.get('retry-after')).toBe(String(wait));
  expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8');
  expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'nonce-/);
  expect(setCookieOf(res, '__Host-rl_portal')).toBeUndefined();
  const html = await res.text();
  expect(html).toContain('<h1>Too many requests</h1>');
  expect(html).toContain(`<p>Too many requests from here. Wait ${wait} s and try again.</p>`);
}

const linkCount = async (h: Awaited<ReturnType<typeof makePartnerApp>>) =>
  Number((await rawClient(h.t).execute('select count(*) as n from links')).rows[0]!.n);

describe('portal rate limit', () => {
  it('sign-in: exactly PORTAL_LOGIN_RATE_LIMIT_PER_MINUTE requests per client IP, then a 429 page with Retry-After, no session', async () => {
    const { token, send } = await world({ PORTAL_LOGIN_RATE_LIMIT_PER_MINUTE: '5' });
    const offers: Response[] = [];
    for (let i = 0; i < 4; i++) offers.push(await send(`/portal/login?token=${encodeURIComponent(token)}`));
    expect(offers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect((await send('/portal/login')).status).toBe(200); // the #token= link page counts too: the fifth
    // 5 a minute: one more every 12 s
    await expectLimitedPage(await send(`/portal/login?token=${encodeURIComponent(token)}`), 12);
    await expectLimitedPage(await send('/portal/login?token=made-up'), 12);
    const form = await signInFormOf(offers[0]!);
    await expectLimitedPage(
      await send('/portal/login', { method: 'POST', headers: { cookie: form.cookie!, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form.fields) }),
      12,
    );
    await expectLimitedPage(await send('/portal/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `step=ask&token=${token}` }), 12);
  });

  it('sign-in buckets are per client IP, and apart from the API’s: neither limit spends the other', async () => {
    const { h, token, send } = await world({ PORTAL_LOGIN_RATE_LIMIT_PER_MINUTE: '2', RATE_LIMIT_PER_SECOND: '2', TRUST_PROXY: '1' });
    const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
    expect((await send('/portal/login', from('198.51.100.1'))).status).toBe(200);
    expect((await send('/portal/login', from('198.51.100.1'))).status).toBe(200);
    await expectLimitedPage(await send('/portal/login', from('198.51.100.1')), 30);
    expect((await send('/portal/login', from('198.51.100.2'))).status).toBe(200);
    // The API (2/s, burst 4) still answers this IP's token, and its limit does not reach sign-in.
    const api: number[] = [];
    for (let i = 0; i < 5; i++) api.push((await h.as(token)('GET', '/v1/me', undefined, from('198.51.100.2').headers)).status);
    expect(api).toEqual([200, 200, 200, 200, 429]);
    expect((await send('/portal/login', from('198.51.100.2'))).status).toBe(200);
  });

  it('an IPv6 client is counted by its /64: walking the addresses it owns is no way around the limit', async () => {
    const { send } = await world({ PORTAL_LOGIN_RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: '1' });
    const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
    expect((await send('/portal/login', from('2001:db8:1:2::1'))).status).toBe(200);
    expect((await send('/portal/login', from('2001:db8:1:2:aaaa:bbbb:cccc:dddd'))).status).toBe(200);
    await expectLimitedPage(await send('/portal/login', from('2001:db8:1:2::3')), 30);
    await expectLimitedPage(await send('/portal/login', from('2001:0db8:0001:0002:0:0:0:4')), 30);
    // Another /64, and IPv4 addresses, keep buckets of their own.
    expect((await send('/portal/login', from('2001:db8:1:3::1'))).status).toBe(200);
    expect((await send('/portal/login', from('198.51.100.7'))).status).toBe(200);
  });

  it('unset or empty: 30 a minute; 0 turns it off, whatever RATE_LIMIT_PER_SECOND says', async () => {
    const { send } = await world({ PORTAL_LOGIN_RATE_LIMIT_PER_MINUTE: '' });
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await send('/portal/login?token=made-up')).status);
    expect(statuses).toEqual(Array(30).fill(401));
    await expectLimitedPage(await send('/portal/login?token=made-up'), 2);
    const off = await world({ PORTAL_LOGIN_RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_PER_SECOND: '2' });
    for (let i = 0; i < 40; i++) expect((await off.send('/portal/login?token=made-up')).status).toBe(401);
  });

  it('POST /portal/links shares the token’s bucket with /v1/me/links: over it a 429 page, no link written; pages still show', async () => {
    const { h, token, send } = await world({ RATE_LIMIT_PER_SECOND: '2' }); // burst 4
    const cookie = await portalSignIn(send, token); // the IP's bucket, not the token's
    const csrf = await csrfTokenOf(token);
    for (let i = 0; i < 3; i++) expect((await h.as(token)('POST', '/v1/me/links', { campaign: `api${i}` })).status).toBe(201);
    const post = () =>
      send('/portal/links', { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf, url: 'https://acme.test/p' }) });
    expect((await post()).status).toBe(303);
    expect(await linkCount(h)).toBe(5); // JANE's default link, three from the API, one from the form
    await expectLimitedPage(await post());
    expect((await h.as(token)('POST', '/v1/me/links', { campaign: 'api' })).status).toBe(429);
    expect(await linkCount(h)).toBe(5);
    expect((await send('/portal', { headers: { cookie } })).status).toBe(200);
  });

  it('made-up session cookies are charged to the client IP: a fresh one per request is no way around the limit', async () => {
    const { send } = await world({ RATE_LIMIT_PER_SECOND: '2' }); // burst 4
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      statuses.push((await send('/portal/logout', { method: 'POST', headers: { cookie: `__Host-rl_portal=made-up-${i}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'csrf=x' })).status);
    }
    // Each refusal also takes one from the IP's bucket (burst 4); the fifth finds it empty.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
  });
});
