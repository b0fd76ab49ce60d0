import { describe, expect, it } from 'vitest';
import { ok, signedInPortal } from '../me/helpers';

const FAVICON = '<link rel="icon" href="data:,"/>';

describe('portal pages: favicon, archived links, chart', () => {
  it('every page carries an empty inline icon, so browsers request no /favicon.ico', async () => {
    const { h, cookie, token } = await signedInPortal();
    const pages: [string, Record<string, string>][] = [
      ['/portal', { cookie }],
      ['/portal', {}],
      ['/portal/logout', { cookie }],
      ['/portal/nope', {}],
      [`/portal/login?token=${encodeURIComponent(token)}`, {}],
      ['/portal/login', {}],
    ];
    for (const [path, headers] of pages) {
      const html = await (await h.app.request(path, { headers })).text();
      expect(html.match(/<link rel="icon"[^>]*>/g), path).toEqual([FAVICON]);
      expect(html.indexOf(FAVICON), path).toBeLessThan(html.indexOf('</head>'));
    }
  });

  it('an archived link is marked archived and has no Copy button; live links keep theirs', async () => {
    const { h, cookie, token } = await signedInPortal();
    const live = await ok(h.as(token)('POST', '/v1/me/links', { campaign: 'live' }), 201);
    const gone = await ok(h.as(token)('POST', '/v1/me/links', { campaign: 'old' }), 201);
    await ok(h.admin('PATCH', `/v1/links/${gone.id}`, { archived: true }));

    const html = await (await h.app.request('/portal', { headers: { cookie } })).text();
    const rows = [...html.matchAll(/<div class="link-row" data-link="([^"]+)"([^>]*)>(.*?)<\/div>/g)].map((m) => ({ code: m[1], attrs: m[2], body: m[3]! }));
    // Same creation instant (the test clock): their order is by id, so compare by code.
    expect(Object.fromEntries(rows.map((r) => [r.code, r.attrs]))).toEqual({ [gone.code]: ' data-archived="true"', [live.code]: '', JANE: '' });
    const archived = rows.find((r) => r.code === gone.code);
    const others = rows.filter((r) => r !== archived);
    expect(archived!.body).not.toContain('data-copy');
    expect(archived!.body).not.toContain('<button');
    expect(archived!.body).toContain(`<label class="sr-only" for="share-${gone.id}">Archived URL for ${gone.code}</label>`);
    expect(archived!.body).toContain('<span class="tag">Archived</span>');
    expect(archived!.body).toContain(`<span class="muted">→ ${gone.url} · old · no longer records clicks</span>`);
    for (const row of others) {
      expect(row.body).toContain('aria-live="polite">Copy</button>');
      expect(row.body).not.toContain('Archived');
    }
    expect(html.match(/data-copy=/g)?.length).toBe(2);
  });

  it('the sales line and its legend swatch are dashed; clicks and leads are solid', async () => {
    const { h, cookie } = await signedInPortal();
    const html = await (await h.app.request('/portal', { headers: { cookie } })).text();
    const lines = [...html.matchAll(/<polyline data-series="(\w+)"([^>]*)>/g)].map((m) => [m[1], /stroke-dasharray="([^"]+)"/.exec(m[2]!)?.[1] ?? null]);
    expect(lines).toEqual([['clicks', null], ['leads', null], ['sales', '6 4']]);
    const keys = [...html.matchAll(/<span class="key"><svg[^>]*><line ([^>]*)><\/line><\/svg> (\w+)<\/span>/g)].map((m) => [m[2], /stroke-dasharray="([^"]+)"/.exec(m[1]!)?.[1] ?? null]);
    expect(keys).toEqual([['Clicks', null], ['Leads', null], ['Sales', '4 3']]);
  });
});
