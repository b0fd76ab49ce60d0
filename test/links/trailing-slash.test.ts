import { beforeEach, describe, expect, it } from 'vitest';
import { makeApp, seedProgram, type TestApp } from '../helpers/app';
import { ADMIN_KEY } from '../helpers/app';
import { clickIdOf, countRows, createLink, visit } from '../foundation/support';

// `/code/` is the same short link as `/code` (chat apps and people add the slash); an app path
// with a slash (`/v1/`, `/portal/`, `/health/`) is never looked up as a code.
let t: TestApp;
let partner: { id: string; code: string };
beforeEach(async () => {
  t = await makeApp();
  ({ partner } = await seedProgram(t));
});

const withoutId = (res: Response) => {
  const id = clickIdOf(res) ?? 'none';
  return {
    status: res.status,
    location: res.headers.get('location')?.replaceAll(id, 'CLICK'),
    cookie: res.headers.get('set-cookie')?.replaceAll(id, 'CLICK'),
    cacheControl: res.headers.get('cache-control'),
  };
};

describe('trailing slash on a short link', () => {
  it('/CODE/ and /CODE/?q redirect exactly like /CODE and /CODE?q, each with its own click', async () => {
    await createLink(t, partner.id, { url: 'https://acme.test/p?a=1#f', code: 'Spring', utm: { source: 'nl' } });
    for (const [plain, slashed] of [
      ['/Spring', '/Spring/'],
      ['/spring?gclid=g1&x=2', '/SPRING/?gclid=g1&x=2'],
    ] as const) {
      const a = await visit(t, plain);
      const b = await visit(t, slashed);
      expect(withoutId(b)).toEqual(withoutId(a));
      expect(b.status).toBe(302);
      expect(clickIdOf(b)).toMatch(/^clk_[A-Za-z0-9]{20}$/);
      expect(clickIdOf(b)).not.toBe(clickIdOf(a));
    }
    expect(withoutId(await visit(t, '/spring/?gclid=g1&x=2'))).toEqual({
      status: 302,
      location: 'https://acme.test/p?a=1&utm_source=nl&rcid=CLICK&gclid=g1&x=2#f',
      cookie: 'rcid=CLICK; Max-Age=2592000; Path=/; HttpOnly; Secure; SameSite=Lax',
      cacheControl: 'no-store',
    });
    await t.clickSink.flush();
    expect(await countRows(t, 'clicks')).toBe(5);
  });

  it('HEAD /CODE/ answers like HEAD /CODE (no click id, no click); an unknown /code/ is the 404 page', async () => {
    const head = await visit(t, `/${partner.code}/`, {}, 'HEAD');
    expect(head.status).toBe(302);
    expect(head.headers.get('location')).toBe('https://acme.test/signup');
    expect(head.headers.get('set-cookie')).toBeNull();
    const missing = await visit(t, '/no-such-code/');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await missing.text()).toContain('This referral link does not exist');
    await t.clickSink.flush();
    expect(await countRows(t, 'clicks')).toBe(0);
  });

  it('two slashes, or a path below a code, are not a code', async () => {
    expect((await visit(t, `/${partner.code}//`)).status).toBe(404);
    expect((await visit(t, `/${partner.code}/x`)).status).toBe(404);
    await t.clickSink.flush();
    expect(await countRows(t, 'clicks')).toBe(0);
  });

  it('app paths with a slash stay the JSON 404 they were, never a code lookup', async () => {
    for (const path of ['/v1/', '/V1/', '/health/', '/api/', '/v1/?x=1']) {
      const res = await t.app.request(path, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toMatch(/^application\/json/);
      expect(((await res.json()) as { error: { code: string } }).error.code, path).toBe('not_found');
    }
    // the portal's catch-all answers its own paths first, as before
    const portal = await t.app.request('/portal/');
    expect(portal.status).toBe(404);
    expect(await portal.text()).not.toContain('This referral link does not exist');
    // and the routes themselves still answer
    expect((await t.app.request('/health')).status).toBe(200);
  });
});
