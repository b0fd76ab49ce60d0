import { beforeEach, describe, expect, it } from 'vitest';
import { makeApp, seedProgram, type TestApp } from '../helpers/app';
import { clickIdOf, createLink, rawRows, visit } from '../foundation/support';

// The query a visitor brings to the short link (a partner's utm_*, an ad platform's gclid/fbclid/
// msclkid) is passed on to the destination, after the link's own query, verbatim.

let t: TestApp;
let program: { id: string; defaultUrl: string };
let partner: { id: string; code: string };
beforeEach(async () => {
  t = await makeApp();
  ({ program, partner } = await seedProgram(t));
});

/** The Location of a GET, with its click id replaced by CLICK (and that id checked). */
async function locationOf(path: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await visit(t, path, headers);
  expect(res.status).toBe(302);
  const location = res.headers.get('location')!;
  const id = clickIdOf(res);
  expect(id).toMatch(/^clk_[0-9A-Za-z]{20}$/);
  return location.replace(id!, 'CLICK');
}

describe('redirect — incoming query parameters are passed on', () => {
  it('appends them after the click id, before the fragment', async () => {
    await createLink(t, partner.id, { url: 'https://acme.test/p?a=1#frag', code: 'spring' });
    expect(await locationOf('/spring?utm_source=newsletter&gclid=G-1')).toBe('https://acme.test/p?a=1&rcid=CLICK&utm_source=newsletter&gclid=G-1#frag');
    // The case-insensitive code and an empty query change nothing else.
    expect(await locationOf('/SPRING?')).toBe('https://acme.test/p?a=1&rcid=CLICK#frag');
    expect(await locationOf('/spring')).toBe('https://acme.test/p?a=1&rcid=CLICK#frag');
  });

  it("the link's url and utm_* keep their values: a visitor's parameter of the same name (any case) is dropped", async () => {
    await createLink(t, partner.id, { url: 'https://acme.test/p?plan=pro', code: 'pro', utm: { source: 'partner', campaign: 'spring' } });
    expect(await locationOf('/pro?plan=free&PLAN=free&utm_source=evil&utm_medium=cpc&fbclid=F1&Utm_Campaign=x')).toBe(
      'https://acme.test/p?plan=pro&utm_source=partner&utm_campaign=spring&rcid=CLICK&utm_medium=cpc&fbclid=F1',
    );
  });

  it('the click id parameter can never be set by the visitor, however it is spelled', async () => {
    await createLink(t, partner.id, { url: 'https://acme.test/', code: 'noforge' });
    expect(await locationOf('/noforge?rcid=clk_forged&RCID=x&%72cid=y&r%63id=z&rcid&rcid=&msclkid=M1')).toBe('https://acme.test/?rcid=CLICK&msclkid=M1');
    // With the program's own clickIdParam, that name is the protected one; rcid is then a plain parameter.
    const { partner: p } = await seedProgram(t, { name: 'Custom', clickIdParam: 'ref_id' });
    const res = await visit(t, `/${p.code}?ref_id=forged&Ref_Id=x&ref%5Fid=y&rcid=kept`);
    const id = clickIdOf(res, 'ref_id')!;
    expect(res.headers.get('location')).toBe(`https://acme.test/signup?ref_id=${id}&rcid=kept`);
  });

  it('repeated keys, order and percent-encoding survive exactly', async () => {
    await createLink(t, partner.id, { url: 'https://acme.test/s', code: 'exact' });
    const query = 'tag=a&tag=b&q=caf%C3%A9+au%20lait&e=%2F%3F%26%3D&bad=%zz%&flag&empty=&=v&tag=c&x=~!*()\'';
    // What a browser sends for ' is %27 (the URL parser encodes it in a special scheme's query).
    expect(await locationOf(`/exact?${query}`)).toBe(`https://acme.test/s?rcid=CLICK&${query.replace("'", '%27')}`);
    expect(await locationOf('/exact?a&&b')).toBe('https://acme.test/s?rcid=CLICK&a&b');
  });

  it('non-ASCII and spaces arrive percent-encoded and are passed on as such', async () => {
    await createLink(t, partner.id, { url: 'https://acme.test/s', code: 'utf' });
    expect(await locationOf('/utf?q=naïve café&e=😀')).toBe('https://acme.test/s?rcid=CLICK&q=na%C3%AFve%20caf%C3%A9&e=%F0%9F%98%80');
  });

  it('a huge query never breaks the redirect: at most 2048 characters are passed on, whole parameters only', async () => {
    await createLink(t, partner.id, { url: 'https://acme.test/big', code: 'big' });
    // One parameter too long to pass on is dropped; the ad click id after it still goes through.
    expect(await locationOf(`/big?junk=${'j'.repeat(5000)}&gclid=G2`)).toBe('https://acme.test/big?rcid=CLICK&gclid=G2');
    // Many small ones: those that fit, in order.
    const many = Array.from({ length: 1000 }, (_, i) => `k${i}=${i}`).join('&');
    const location = await locationOf(`/big?${many}`);
    const passed = location.slice('https://acme.test/big?rcid=CLICK&'.length);
    expect(passed.length).toBeLessThanOrEqual(2048);
    expect(passed.length).toBeGreaterThan(2048 - 12);
    expect(many.startsWith(`${passed}&`)).toBe(true);
  });

  it('HEAD passes them on too, without a click id', async () => {
    await createLink(t, partner.id, { url: 'https://acme.test/', code: 'headq', utm: { source: 'x' } });
    const head = await visit(t, '/headq?utm_medium=cpc&rcid=forged', {}, 'HEAD');
    expect(head.headers.get('location')).toBe('https://acme.test/?utm_source=x&utm_medium=cpc');
    await createLink(t, partner.id, { url: 'https://acme.test/plain', code: 'headplain' });
    expect((await visit(t, '/headplain?gclid=G', {}, 'HEAD')).headers.get('location')).toBe('https://acme.test/plain?gclid=G');
  });

  it("an archived link's redirect to the defaultUrl passes them on (no click id, and none accepted)", async () => {
    const link = await createLink(t, partner.id, { url: 'https://acme.test/deal', code: 'gone' });
    await t.json('PATCH', `/v1/links/${link.id}`, { archived: true });
    const res = await visit(t, '/gone?utm_source=nl&rcid=clk_forged');
    expect(res.headers.get('location')).toBe(`${program.defaultUrl}?utm_source=nl`);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect((await visit(t, '/gone')).headers.get('location')).toBe(program.defaultUrl);
  });

  it('the recorded click keeps its ad-click flag from the landing query', async () => {
    await createLink(t, partner.id, { url: 'https://acme.test/ads', code: 'ads' });
    await visit(t, '/ads?gclid=abc');
    t.advance(1000);
    await visit(t, '/ads?utm_source=x');
    t.advance(1000);
    await visit(t, `/ads?junk=${'j'.repeat(5000)}&fbclid=F`); // the junk is not passed on; the click is still paid
    await t.clickSink.flush();
    const rows = (await rawRows(t, 'clicks')).sort((a, b) => Number(a.created_at) - Number(b.created_at));
    expect(rows.map((r) => r.paid_ads)).toEqual([1, 0, 1]);
  });

  it("no parameter passes that a destination's framework reads as the click id or the link's own values", async () => {
    // PHP reads `ref.id` and `ref id` as ref_id and `rcid[]`/`rcid[0]` as rcid (the last one wins),
    // Rack/qs read `rcid[]` as rcid too, and parsers that split on `;` (Python before 3.9.2, Django's
    // QueryDict taking the last value) read `x=1;rcid=…` as rcid: each would let a shared short link
    // carry another click id than its own, or override the link's utm_*. Such pairs are dropped whole.
    await createLink(t, partner.id, { url: 'https://acme.test/php?plan=pro', code: 'php', utm: { source: 'partner' } });
    expect(
      await locationOf('/php?rcid[]=clk_forged&RCID[0]=x&rcid%5B%5D=y&x=1;rcid=clk_forged&utm.source=evil&utm+source=evil&utm%20source=evil&plan[]=free&keep=1;ok=2&tag[]=a&u.x=1'),
    ).toBe('https://acme.test/php?plan=pro&utm_source=partner&rcid=CLICK&keep=1;ok=2&tag[]=a&u.x=1');
    const { partner: p } = await seedProgram(t, { name: 'Custom', clickIdParam: 'ref_id' });
    const res = await visit(t, `/${p.code}?ref.id=forged&ref%2Eid=x&ref+id=y&ref%20id=z&ref_id[]=w&refid=kept`);
    const id = clickIdOf(res, 'ref_id')!;
    expect(res.headers.get('location')).toBe(`https://acme.test/signup?ref_id=${id}&refid=kept`);
    // HEAD and an archived link's defaultUrl redirect drop them the same way.
    expect((await visit(t, '/php?rcid[]=x&utm.source=e&g=1', {}, 'HEAD')).headers.get('location')).toBe('https://acme.test/php?plan=pro&utm_source=partner&g=1');
  });
});
