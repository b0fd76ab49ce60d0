import { describe, expect, it } from 'vitest';
import { rawClient } from '../foundation/support';
import { portalSignIn, setCookieOf, signInFormOf } from '../helpers/portal-sign-in';
import { createPartner, createProgram, issueToken, makePartnerApp } from '../me/helpers';
import { csrfTokenOf } from '../../src/portal/session';

// The API's rate limit (RATE_LIMIT_PER_SECOND; burst 2×) on the portal: sign-in per client IP, the
// other POSTs per session token (the bucket /v1/me uses). Over it: an HTML page with Retry-After.

async function world(perSecond: string) {
  const h = await makePartnerApp({ env: { RATE_LIMIT_PER_SECOND: perSecond } });
  const program = await createProgram(h, { currency: 'EUR' });
  const jane = await createPartner(h, program.id, 'Jane', 'jane@partner.test', 'JANE');
  const token = await issueToken(h, jane.id);
  const send = (path: string, init?: RequestInit) => h.app.request(path, init);
  return { h, token, send };
}

async function expectLimitedPage(res: Response) {
  expect(res.status).toBe(429);
  expect(res.headers.get('retry-after')).toBe('1');
  expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8');
  expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'nonce-/);
  expect(setCookieOf(res, '__Host-rl_portal')).toBeUndefined();
  const html = await res.text();
  expect(html).toContain('<h1>Too many requests</h1>');
  expect(html).toContain('<p>Too many requests from here. Wait 1 s and try again.</p>');
}

const linkCount = async (h: Awaited<ReturnType<typeof makePartnerApp>>) =>
  Number((await rawClient(h.t).execute('select count(*) as n from links')).rows[0]!.n);

describe('portal rate limit', () => {
  it('the sign-in link and its form are limited per client IP: a 429 page with Retry-After, no session', async () => {
    const { token, send } = await world('2'); // burst 4
    const offers: Response[] = [];
    for (let i = 0; i < 4; i++) offers.push(await send(`/portal/login?token=${encodeURIComponent(token)}`));
    expect(offers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    await expectLimitedPage(await send(`/portal/login?token=${encodeURIComponent(token)}`));
    await expectLimitedPage(await send('/portal/login?token=made-up'));
    const form = await signInFormOf(offers[0]!);
    await expectLimitedPage(
      await send('/portal/login', { method: 'POST', headers: { cookie: form.cookie!, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form.fields) }),
    );
  });

  it('POST /portal/links shares the token’s bucket with /v1/me/links: over it a 429 page, no link written; pages still show', async () => {
    const { h, token, send } = await world('2'); // burst 4
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
    const { send } = await world('2'); // burst 4
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      statuses.push((await send('/portal/logout', { method: 'POST', headers: { cookie: `__Host-rl_portal=made-up-${i}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'csrf=x' })).status);
    }
    // Each refusal also takes one from the IP's bucket (burst 4); the fifth finds it empty.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
  });
});
