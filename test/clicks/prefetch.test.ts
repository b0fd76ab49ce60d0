import { beforeEach, describe, expect, it } from 'vitest';
import { makeApp, seedProgram, type TestApp } from '../helpers/app';
import { CHROME_MAC, clickIdOf, countRows, createLink, rawRows, visit } from '../foundation/support';

// A browser prefetch or prerender of a short link is not a visit. It is declined (403, no-store),
// so the browser drops it and the visitor's real navigation, if it comes, reaches the redirect and
// is the one click: nothing counted twice, nothing counted as a bot, no attribution lost.

let t: TestApp;
let partner: { id: string; code: string; defaultLink: { id: string } };
beforeEach(async () => {
  t = await makeApp({ env: { TRUST_PROXY: '1' } });
  ({ partner } = await seedProgram(t));
});

const visitor = { 'x-forwarded-for': '198.51.100.60', 'user-agent': CHROME_MAC };

async function stats(linkId: string) {
  return (await t.json('GET', `/v1/links/${linkId}/stats`)).body;
}

describe('redirect — browser prefetch and prerender', () => {
  it.each([
    ['Sec-Purpose', 'prefetch'],
    ['Sec-Purpose', 'prefetch;prerender'],
    ['Sec-Purpose', 'prefetch;anonymous-client-ip'],
    ['Sec-Purpose', 'Prefetch'],
    ['Purpose', 'prefetch'],
    ['Sec-Purpose: anonymous-client-ip with Purpose', 'prefetch'],
  ])('%s: %s → 403 no-store, no click id, no cookie, no click', async (header, value) => {
    const headers: Record<string, string> = header.startsWith('Sec-Purpose: ') ? { 'sec-purpose': header.split(' ')[1]!, purpose: value } : { [header]: value };
    const res = await visit(t, `/${partner.code}?gclid=G`, { ...visitor, ...headers });
    expect(res.status).toBe(403);
    expect(await res.text()).toBe('');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('set-cookie')).toBeNull();
    await t.clickSink.flush();
    expect(await countRows(t, 'clicks')).toBe(0);
    expect(await stats(partner.defaultLink.id)).toEqual({ linkId: partner.defaultLink.id, clicks: 0, uniqueClicks: 0, botClicks: 0 });
  });

  it('the navigation that follows the prefetch is one ordinary human click, unique, and attributes', async () => {
    expect((await visit(t, `/${partner.code}`, { ...visitor, 'sec-purpose': 'prefetch;prerender' })).status).toBe(403);
    const res = await visit(t, `/${partner.code}`, visitor);
    expect(res.status).toBe(302);
    const clickId = clickIdOf(res)!;
    await t.clickSink.flush();
    const rows = await rawRows(t, 'clicks');
    expect(rows.map((r) => [r.id, r.bot, r.bot_reason, r.is_unique, r.device_type, r.browser])).toEqual([[clickId, 0, null, 1, 'desktop', 'Chrome']]);
    expect(await stats(partner.defaultLink.id)).toEqual({ linkId: partner.defaultLink.id, clicks: 1, uniqueClicks: 1, botClicks: 0 });
    const lead = await t.json('POST', '/v1/track/lead', { clickId, customer: { externalId: 'cus_pf' } });
    expect(lead.status).toBe(200);
    expect(lead.body.event).toMatchObject({ partnerId: partner.id, status: 'attributed' });
  });

  it('another Sec-Purpose is an ordinary click', async () => {
    const res = await visit(t, `/${partner.code}`, { ...visitor, 'sec-purpose': 'anonymous-client-ip' });
    expect(res.status).toBe(302);
    await t.clickSink.flush();
    expect((await rawRows(t, 'clicks')).map((r) => [r.bot, r.is_unique])).toEqual([[0, 1]]);
  });

  it('redirects that record no click anyway (HEAD, an archived link) answer a prefetch as usual', async () => {
    const head = await visit(t, `/${partner.code}`, { ...visitor, 'sec-purpose': 'prefetch' }, 'HEAD');
    expect(head.status).toBe(302);
    expect(head.headers.get('location')).toBe('https://acme.test/signup');
    const link = await createLink(t, partner.id, { url: 'https://acme.test/old', code: 'old' });
    await t.json('PATCH', `/v1/links/${link.id}`, { archived: true });
    const archived = await visit(t, '/old', { ...visitor, 'sec-purpose': 'prefetch' });
    expect(archived.status).toBe(302);
    expect(archived.headers.get('location')).toBe('https://acme.test/signup');
    await t.clickSink.flush();
    expect(await countRows(t, 'clicks')).toBe(0);
  });
});
