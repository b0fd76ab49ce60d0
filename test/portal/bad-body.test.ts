import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../helpers/server';
import { portalSignIn } from '../helpers/portal-sign-in';
import { JWT_SECRET, signedInPortal } from '../me/helpers';
import { rowCounts, tableNames } from '../reliability/support';

async function world() {
  const { h, cookie } = await signedInPortal();
  const html = await (await h.app.request('/portal', { headers: { cookie } })).text();
  const csrf = /name="csrf" value="([0-9a-f]{32})"/.exec(html)![1]!;
  const tables = await tableNames(h.t);
  return { h, cookie, csrf, tables };
}

const CSP = /^default-src 'none'; style-src 'nonce-/;

describe('POST /portal/links with a body it cannot use', () => {
  it('a malformed multipart body → 400 HTML page, nothing written', async () => {
    const { h, cookie, tables } = await world();
    const before = await rowCounts(h.t, tables);
    const bodies: [string, string][] = [
      ['multipart/form-data; boundary=yy', 'abc'],
      ['multipart/form-data; boundary=yy', '--xx\r\nContent-Disposition: form-data; name="url"\r\n\r\nhttps://acme.test/\r\n'],
      ['multipart/form-data', 'abc'],
    ];
    for (const [type, body] of bodies) {
      const res = await h.app.request('/portal/links', { method: 'POST', headers: { cookie, 'content-type': type }, body });
      expect(res.status, `${type} ${body}`).toBe(400);
      expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8');
      expect(res.headers.get('content-security-policy')).toMatch(CSP);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const html = await res.text();
      expect(html).toContain('<h1>Link not created</h1>');
      expect(html).toContain('<p>The form could not be read. Reload the page and try again.</p>');
    }
    expect(await rowCounts(h.t, tables)).toEqual(before);
  });

  it('without a session a malformed body is still the sign-in page (401)', async () => {
    const { h } = await world();
    const res = await h.app.request('/portal/links', { method: 'POST', headers: { 'content-type': 'multipart/form-data' }, body: 'abc' });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('<h1>Please sign in</h1>');
  });

  it('a form over 64 KiB → 413 HTML page, nothing written; a form under it still creates the link', async () => {
    const { h, cookie, csrf, tables } = await world();
    const before = await rowCounts(h.t, tables);
    for (const body of [
      new URLSearchParams({ csrf, url: 'https://acme.test/', campaign: 'x'.repeat(70_000) }).toString(),
      new URLSearchParams({ csrf, junk: 'x'.repeat(1024 * 1024) }).toString(),
    ]) {
      const res = await h.app.request('/portal/links', { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body });
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8');
      expect(res.headers.get('content-security-policy')).toMatch(CSP);
      const html = await res.text();
      expect(html).toContain('<h1>Form too large</h1>');
      expect(html).toContain('<p>This form is too large to send. Shorten it and try again.</p>');
    }
    // Declared too large by content-length: refused before the body is read.
    const declared = await h.app.request('/portal/links', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(70_000) },
      body: 'x'.repeat(70_000),
    });
    expect(declared.status).toBe(413);
    expect(await rowCounts(h.t, tables)).toEqual(before);

    const created = await h.app.request('/portal/links', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, url: 'https://acme.test/ok', junk: 'c'.repeat(60_000) }).toString(),
    });
    expect(created.status).toBe(303);
    expect(created.headers.get('location')).toMatch(/^\/portal\?created=/);
  });
});

// Under Node the body limit reads the body from node:http itself (src/middleware/body-limit.ts);
// the portal form must parse the same way there, and its 413 must be the same page.
describe('POST /portal/links over Node', () => {
  let s: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    s = await startServer({ env: { JWT_SECRET } });
  });
  afterAll(async () => s.stop());

  it('creates a link from a urlencoded and a multipart form, 400 for a malformed one, 413 over 64 KiB', async () => {
    const program = await s.json('POST', '/v1/programs', { name: 'Acme', currency: 'EUR', defaultUrl: 'https://acme.test/', allowedHosts: ['acme.test'] });
    const partner = await s.json('POST', `/v1/programs/${program.body.id}/partners`, { name: 'Jane', email: 'jane@partner.test' });
    const token = (await s.json('POST', `/v1/partners/${partner.body.id}/tokens`, {})).body.token as string;
    const cookie = await portalSignIn((path, init) => fetch(`${s.base}${path}`, init), token);
    const html = await (await fetch(`${s.base}/portal`, { headers: { cookie } })).text();
    const csrf = /name="csrf" value="([0-9a-f]{32})"/.exec(html)![1]!;
    const post = (body: BodyInit, headers: Record<string, string> = {}) =>
      fetch(`${s.base}/portal/links`, { method: 'POST', redirect: 'manual', headers: { cookie, ...headers }, body });

    const form = await post(new URLSearchParams({ csrf, url: 'https://acme.test/a' }));
    expect(form.status).toBe(303);
    const multipart = new FormData();
    multipart.set('csrf', csrf);
    multipart.set('url', 'https://acme.test/b');
    expect((await post(multipart)).status).toBe(303);
    const links = await fetch(`${s.base}/v1/me/links`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await links.json()) as { data: { url: string }[] }).data.map((l) => l.url)).toEqual(expect.arrayContaining(['https://acme.test/a', 'https://acme.test/b']));

    const bad = await post('abc', { 'content-type': 'multipart/form-data; boundary=yy' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('<h1>Link not created</h1>');
    const big = await post(new URLSearchParams({ csrf, junk: 'x'.repeat(70_000) }));
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    expect(await big.text()).toContain('<h1>Form too large</h1>');
  });
});
