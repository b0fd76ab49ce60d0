import { beforeEach, describe, expect, it } from 'vitest';
import { makeApp, seedProgram, type TestApp } from '../helpers/app';
import { clickIdOf, countRows, createLink, visit } from './support';

let t: TestApp;
let program: { id: string; defaultUrl: string };
let partner: { id: string; code: string };
beforeEach(async () => {
  t = await makeApp();
  ({ program, partner } = await seedProgram(t));
});

async function clicksWritten() {
  await t.clickSink.flush();
  return countRows(t, 'clicks');
}

describe('redirect — happy', () => {
  it('302 to the url with rcid and utm_* added, keeping its own query and fragment', async () => {
    await createLink(t, partner.id, { url: 'https://acme.test/p?a=1#frag', code: 'spring', utm: { source: 'newsletter', medium: 'email' } });
    const res = await visit(t, '/spring');
    expect(res.status).toBe(302);
    const location = res.headers.get('location')!;
    const url = new URL(location);
    expect(`${url.origin}${url.pathname}`).toBe('https://acme.test/p');
    expect(url.hash).toBe('#frag');
    expect(location.startsWith('https://acme.test/p?a=1&')).toBe(true);
    expect(location.endsWith('#frag')).toBe(true);
    expect(url.searchParams.get('a')).toBe('1');
    expect(url.searchParams.get('utm_source')).toBe('newsletter');
    expect(url.searchParams.get('utm_medium')).toBe('email');
    expect(url.searchParams.get('rcid')).toMatch(/^clk_[A-Za-z0-9]{20}$/);
    expect([...url.searchParams.keys()].sort()).toEqual(['a', 'rcid', 'utm_medium', 'utm_source']);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it("the url's own utm_* values win over the link's", async () => {
    await createLink(t, partner.id, { url: 'https://acme.test/?utm_source=own', code: 'own-utm', utm: { source: 'link', campaign: 'c1' } });
    const url = new URL((await visit(t, '/own-utm')).headers.get('location')!);
    expect(url.searchParams.getAll('utm_source')).toEqual(['own']);
    expect(url.searchParams.get('utm_campaign')).toBe('c1');
  });

  it("the partner's default link redirects to the program defaultUrl", async () => {
    const res = await visit(t, `/${partner.code}`);
    expect(res.status).toBe(302);
    const url = new URL(res.headers.get('location')!);
    expect(`${url.origin}${url.pathname}`).toBe(program.defaultUrl);
    expect(url.searchParams.get('rcid')).toMatch(/^clk_/);
  });

  it("uses the program's clickIdParam instead of rcid", async () => {
    const { partner: p } = await seedProgram(t, { name: 'Custom', clickIdParam: 'ref_id' });
    const url = new URL((await visit(t, `/${p.code}`)).headers.get('location')!);
    expect(url.searchParams.get('ref_id')).toMatch(/^clk_/);
    expect(url.searchParams.has('rcid')).toBe(false);
  });

  it('code lookup is case-insensitive', async () => {
    await createLink(t, partner.id, { code: 'Summer' });
    for (const path of ['/Summer', '/summer', '/SUMMER', '/sUmMeR']) {
      const res = await visit(t, path);
      expect(res.status, path).toBe(302);
      expect(clickIdOf(res)).toMatch(/^clk_/);
    }
    expect(await clicksWritten()).toBe(4);
  });

  it('sets the rcid cookie: Secure, HttpOnly, SameSite=Lax, Max-Age = windowDays*86400, same id as the URL', async () => {
    const res = await visit(t, `/${partner.code}`);
    const cookie = res.headers.get('set-cookie')!;
    const id = clickIdOf(res)!;
    expect(cookie).toMatch(new RegExp(`^rcid=${id};`));
    const attrs = cookie.split(';').map((s) => s.trim());
    expect(attrs).toContain('Max-Age=2592000');
    expect(attrs).toContain('Secure');
    expect(attrs).toContain('HttpOnly');
    expect(attrs).toContain('SameSite=Lax');
    expect(attrs).toContain('Path=/');

    const { partner: p7 } = await seedProgram(t, { name: 'Week', attribution: { model: 'last_click', windowDays: 7 } });
    expect((await visit(t, `/${p7.code}`)).headers.get('set-cookie')).toContain('Max-Age=604800');
  });

  it('a window longer than a cookie may live still redirects (cookie capped at 400 days)', async () => {
    const { partner: p } = await seedProgram(t, { name: 'Long', attribution: { model: 'last_click', windowDays: 730 } });
    const res = await visit(t, `/${p.code}`);
    expect(res.status).toBe(302);
    expect(res.headers.get('set-cookie')).toContain(`Max-Age=${400 * 86400}`);
  });

  it('HEAD answers the same Location without the click id, sets no cookie and records nothing', async () => {
    await createLink(t, partner.id, { url: 'https://acme.test/p?a=1#frag', code: 'headme', utm: { source: 'x' } });
    const get = await visit(t, '/headme');
    expect(await clicksWritten()).toBe(1);
    const head = await visit(t, '/headme', {}, 'HEAD');
    expect(head.status).toBe(302);
    expect(head.headers.get('set-cookie')).toBeNull();
    const expected = new URL(get.headers.get('location')!);
    expected.searchParams.delete('rcid');
    expect(head.headers.get('location')).toBe(expected.href);
    expect(await clicksWritten()).toBe(1);
  });
});

describe('redirect — errors', () => {
  it('unknown code → 404 HTML page, nothing recorded', async () => {
    const res = await visit(t, '/nosuchcode');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toBe(
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">' +
        '<title>Link not found</title><link rel="icon" href="data:,"></head>' +
        '<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem"><h1>Link not found</h1>' +
        '<p>This referral link does not exist. Check the address and try again.</p></body></html>',
    );
    expect(await clicksWritten()).toBe(0);
    // The icon keeps browsers from asking for /favicon.ico, which is no code (a dot) and no page.
    expect((await visit(t, '/favicon.ico')).headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('an archived link → 302 to the program defaultUrl, no rcid, no cookie, no click', async () => {
    const link = await createLink(t, partner.id, { url: 'https://acme.test/deal', code: 'old-deal' });
    expect((await t.json('PATCH', `/v1/links/${link.id}`, { archived: true })).status).toBe(200);
    const res = await visit(t, '/old-deal');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(program.defaultUrl);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await clicksWritten()).toBe(0);
    // Restored: attributes again.
    await t.json('PATCH', `/v1/links/${link.id}`, { archived: false });
    expect(clickIdOf(await visit(t, '/old-deal'))).toMatch(/^clk_/);
  });

  it("a link whose host was removed from the program's allowedHosts → its clicks go to the defaultUrl (still counted), never off the allowed hosts", async () => {
    const link = await createLink(t, partner.id, { url: 'https://old.acme.test/deal?x=1', code: 'lapsed', utm: { source: 'blog' } });
    expect(new URL((await visit(t, '/lapsed')).headers.get('location')!).host).toBe('old.acme.test'); // cached
    expect((await t.json('PATCH', `/v1/programs/${program.id}`, { allowedHosts: ['acme.test'] })).status).toBe(200);
    const res = await visit(t, '/lapsed');
    expect(res.status).toBe(302);
    const url = new URL(res.headers.get('location')!);
    expect(`${url.origin}${url.pathname}`).toBe(program.defaultUrl);
    expect([...url.searchParams.keys()].sort()).toEqual(['rcid', 'utm_source']);
    expect(url.searchParams.get('utm_source')).toBe('blog');
    const head = await visit(t, '/lapsed', {}, 'HEAD');
    expect(head.headers.get('location')).toBe(`${program.defaultUrl}?utm_source=blog`);
    await t.clickSink.flush();
    const clicks = await t.db.$client.execute({ sql: 'select link_id, partner_id from clicks order by id', args: [] });
    expect(clicks.rows.map((r) => [r.link_id, r.partner_id])).toEqual([[link.id, partner.id], [link.id, partner.id]]);
    // The host allowed again: the link's own url again.
    expect((await t.json('PATCH', `/v1/programs/${program.id}`, { allowedHosts: ['acme.test', '*.acme.test'] })).status).toBe(200);
    expect(new URL((await visit(t, '/lapsed')).headers.get('location')!).host).toBe('old.acme.test');
  });

  it('a suspended partner → 302 to the program defaultUrl, no rcid, no cookie, no click', async () => {
    const link = await createLink(t, partner.id, { url: 'https://acme.test/deal', code: 'deal' });
    expect(clickIdOf(await visit(t, '/deal'))).toMatch(/^clk_/); // warm the cache
    expect(await clicksWritten()).toBe(1);
    await t.json('PATCH', `/v1/partners/${partner.id}`, { status: 'suspended' });
    for (const code of ['deal', partner.code]) {
      const res = await visit(t, `/${code}`);
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(program.defaultUrl);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    expect(await clicksWritten()).toBe(1);
    expect(link.id).toMatch(/^lnk_/);
  });

  it('a code first seen as unknown works as soon as it is created (cached miss is dropped)', async () => {
    expect((await visit(t, '/fresh')).status).toBe(404);
    await createLink(t, partner.id, { code: 'Fresh' });
    expect((await visit(t, '/fresh')).status).toBe(302);

    expect((await visit(t, '/vanity-p')).status).toBe(404);
    const enrolled = await t.json('POST', `/v1/programs/${program.id}/partners`, { name: 'V', email: 'v@x.test', code: 'vanity-p' });
    expect(enrolled.body.code).toBe('vanity-p');
    expect((await visit(t, '/vanity-p')).status).toBe(302);
  });

  it('a changed destination or clickIdParam takes effect immediately', async () => {
    const link = await createLink(t, partner.id, { url: 'https://acme.test/a', code: 'moving' });
    await visit(t, '/moving');
    await t.json('PATCH', `/v1/links/${link.id}`, { url: 'https://acme.test/b' });
    expect(new URL((await visit(t, '/moving')).headers.get('location')!).pathname).toBe('/b');
    await t.json('PATCH', `/v1/programs/${program.id}`, { clickIdParam: 'via' });
    expect(clickIdOf(await visit(t, '/moving'), 'via')).toMatch(/^clk_/);
  });
});

describe('redirect — security', () => {
  it("a visitor's query is passed on but never changes the destination's host or path, nor its click id", async () => {
    await createLink(t, partner.id, { url: 'https://acme.test/', code: 'noleak' });
    const res = await visit(t, '/noleak?next=https://evil.test/&rcid=clk_forged&@evil.test&%23x=1');
    const id = clickIdOf(res)!;
    expect(res.headers.get('location')).toBe(`https://acme.test/?rcid=${id}&next=https://evil.test/&@evil.test&%23x=1`);
    const url = new URL(res.headers.get('location')!);
    expect(url.host).toBe('acme.test');
    expect(url.pathname).toBe('/');
    expect(url.searchParams.getAll('rcid')).toEqual([id]);
  });

  it('paths that are not codes never redirect', async () => {
    for (const path of ['/v1', '/health/x', '/-abc', '/a.b', `/${'a'.repeat(51)}`]) {
      const res = await visit(t, path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('location')).toBeNull();
    }
  });
});
