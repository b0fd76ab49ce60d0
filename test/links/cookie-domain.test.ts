import { beforeEach, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app';
import { CHROME_MAC, clickIdOf, countRows, createProgram, expectApiError } from '../foundation/support';

// A program's cookieDomain puts `Domain=<it>` on the rcid cookie when the short link's host is in
// that domain (go.shop.com for shop.com), so the merchant's backend reads rcid at sign-up.
let t: TestApp;
beforeEach(async () => {
  t = await makeApp();
});

const HOST_ONLY = '; Max-Age=2592000; Path=/; HttpOnly; Secure; SameSite=Lax';
const SHOP_DOMAIN = '; Max-Age=2592000; Domain=shop.com; Path=/; HttpOnly; Secure; SameSite=Lax';

async function programWithPartner(overrides: Record<string, unknown> = {}) {
  const program = await createProgram(t, overrides);
  const partner = await t.json('POST', `/v1/programs/${program.id}/partners`, { name: 'Jane', email: 'jane@partner.test' });
  return { program, code: partner.body.code as string };
}

const click = (url: string) => t.app.request(url, { headers: { 'user-agent': CHROME_MAC } });

describe('program cookieDomain — validation', () => {
  it('is null by default; stored lower-case, punycode, without a leading dot; PATCH sets and clears it', async () => {
    expect((await createProgram(t)).cookieDomain).toBeNull();
    expect((await createProgram(t, { cookieDomain: 'Shop.COM' })).cookieDomain).toBe('shop.com');
    expect((await createProgram(t, { cookieDomain: '.shop.co.uk' })).cookieDomain).toBe('shop.co.uk');
    const p = await createProgram(t, { cookieDomain: 'bücher.example' });
    expect(p.cookieDomain).toBe('xn--bcher-kva.example');
    const set = await t.json('PATCH', `/v1/programs/${p.id}`, { cookieDomain: 'acme.test' });
    expect(set.status).toBe(200);
    expect(set.body.cookieDomain).toBe('acme.test');
    expect((await t.json('GET', `/v1/programs/${p.id}`)).body.cookieDomain).toBe('acme.test');
    const cleared = await t.json('PATCH', `/v1/programs/${p.id}`, { cookieDomain: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.cookieDomain).toBeNull();
    // The program cache (tracking path) carries it too.
    await t.json('PATCH', `/v1/programs/${p.id}`, { cookieDomain: 'acme.test' });
    expect((await t.deps.programCache.program(t.db, p.id))?.cookieDomain).toBe('acme.test');
  });

  it('refuses a scheme, port, path, wildcard, IP address or single label: 422 invalid_cookie_domain, nothing written', async () => {
    const p = await createProgram(t, { cookieDomain: 'shop.com' });
    const bad = ['https://shop.com', 'shop.com:443', 'shop.com/signup', 'shop.com?x', '*.shop.com', 'com', 'localhost', '1.2.3.4', '[::1]', 'shop..com', 'shop.com.', 'sh op.com', 'user@shop.com', '-shop.com', ''];
    for (const cookieDomain of bad) {
      const created = await t.json('POST', '/v1/programs', { name: 'X', currency: 'EUR', defaultUrl: 'https://acme.test/', allowedHosts: ['acme.test'], cookieDomain });
      expectApiError(created, 422, 'validation_failed', 'cookieDomain');
      if (cookieDomain !== '') expect(created.body.error.reason, cookieDomain).toBe('invalid_cookie_domain');
      const patched = await t.json('PATCH', `/v1/programs/${p.id}`, { cookieDomain, name: 'renamed' });
      expectApiError(patched, 422, 'validation_failed', 'cookieDomain');
    }
    expect(await countRows(t, 'programs')).toBe(1);
    const after = await t.json('GET', `/v1/programs/${p.id}`);
    expect([after.body.name, after.body.cookieDomain]).toEqual(['Acme referrals', 'shop.com']);
  });
});

describe('program cookieDomain — the rcid cookie', () => {
  it('sets Domain=<cookieDomain> when the request host is the domain or a subdomain of it, else host-only; HttpOnly kept', async () => {
    const { code } = await programWithPartner({ cookieDomain: 'shop.com' });
    const cases: [string, string][] = [
      [`https://go.shop.com/${code}`, SHOP_DOMAIN],
      [`https://GO.Shop.com:8443/${code}/?x=1`, SHOP_DOMAIN],
      [`https://shop.com/${code}`, SHOP_DOMAIN],
      [`https://a.b.shop.com/${code}`, SHOP_DOMAIN],
      [`https://evilshop.com/${code}`, HOST_ONLY],
      [`https://shop.com.evil.test/${code}`, HOST_ONLY],
      [`https://ref.test/${code}`, HOST_ONLY],
      [`http://127.0.0.1:8787/${code}`, HOST_ONLY],
    ];
    for (const [url, attributes] of cases) {
      const res = await click(url);
      expect(res.status, url).toBe(302);
      expect(res.headers.get('set-cookie'), url).toBe(`rcid=${clickIdOf(res)}${attributes}`);
    }
  });

  it('without a cookieDomain the cookie stays host-only on any host', async () => {
    const { code } = await programWithPartner();
    const res = await click(`https://go.shop.com/${code}`);
    expect(res.headers.get('set-cookie')).toBe(`rcid=${clickIdOf(res)}${HOST_ONLY}`);
  });

  it('a PATCH of cookieDomain applies to the next redirect (the cached link is dropped)', async () => {
    const { program, code } = await programWithPartner();
    const before = await click(`https://go.shop.com/${code}`);
    expect(before.headers.get('set-cookie')).toBe(`rcid=${clickIdOf(before)}${HOST_ONLY}`);
    expect((await t.json('PATCH', `/v1/programs/${program.id}`, { cookieDomain: 'shop.com' })).status).toBe(200);
    const after = await click(`https://go.shop.com/${code}`);
    expect(after.headers.get('set-cookie')).toBe(`rcid=${clickIdOf(after)}${SHOP_DOMAIN}`);
    expect((await t.json('PATCH', `/v1/programs/${program.id}`, { cookieDomain: null })).status).toBe(200);
    const cleared = await click(`https://go.shop.com/${code}`);
    expect(cleared.headers.get('set-cookie')).toBe(`rcid=${clickIdOf(cleared)}${HOST_ONLY}`);
  });
});
