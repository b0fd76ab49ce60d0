import { beforeEach, describe, expect, it } from 'vitest';
import { makeApp, seedProgram, type TestApp } from '../helpers/app';
import { countRows, createProgram, expectApiError } from './support';

let t: TestApp;
let program: { id: string; defaultUrl: string };
let partner: { id: string; code: string };
beforeEach(async () => {
  t = await makeApp();
  ({ program, partner } = await seedProgram(t));
});

const newLink = (body: Record<string, unknown>, partnerId = partner.id) => t.json('POST', `/v1/partners/${partnerId}/links`, body);

describe('links — happy', () => {
  it('POST with an empty body → 201 to the program defaultUrl with a generated code', async () => {
    const r = await newLink({});
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      id: expect.stringMatching(/^lnk_[A-Za-z0-9]{20}$/),
      programId: program.id,
      partnerId: partner.id,
      code: expect.stringMatching(/^[23456789abcdefghjkmnpqrstuvwxyz]{8}$/),
      url: program.defaultUrl,
      campaign: null,
      utm: null,
      archived: false,
    });
    expect(r.body.shortUrl).toBe(`https://ref.test/${r.body.code}`);
  });

  it('POST with url, code, campaign and utm', async () => {
    const r = await newLink({ url: 'https://shop.acme.test/p?a=1#frag', code: 'Spring-Sale', campaign: 'spring', utm: { source: 'newsletter', medium: 'email' } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      code: 'Spring-Sale',
      url: 'https://shop.acme.test/p?a=1#frag',
      shortUrl: 'https://ref.test/Spring-Sale',
      campaign: 'spring',
      utm: { source: 'newsletter', medium: 'email' },
    });
  });

  it('normalises the destination host', async () => {
    const r = await newLink({ url: 'https://ACME.test./x' });
    expect(r.status).toBe(201);
    expect(r.body.url).toBe('https://acme.test/x');
  });

  it('GET, list and PATCH a link', async () => {
    const created = await newLink({ code: 'summer' });
    expect((await t.json('GET', `/v1/links/${created.body.id}`)).body).toEqual(created.body);
    const list = await t.json('GET', `/v1/partners/${partner.id}/links`);
    expect(list.status).toBe(200);
    expect(list.body.data.map((l: { code: string }) => l.code).sort()).toEqual([partner.code, 'summer'].sort());
    expect(list.body.nextCursor).toBeNull();
    t.advance(1000);
    const p = await t.json('PATCH', `/v1/links/${created.body.id}`, { url: 'https://acme.test/new', archived: true, campaign: null });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ url: 'https://acme.test/new', archived: true, campaign: null, updatedAt: t.now.toISOString() });
    const restored = await t.json('PATCH', `/v1/links/${created.body.id}`, { archived: false });
    expect(restored.body.archived).toBe(false);
  });
});

describe('links — errors', () => {
  const hostile = [
    ['javascript:', 'javascript:alert(document.cookie)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['other host', 'https://evil.test/'],
    ['allowed host as a subdomain of evil', 'https://acme.test.evil.test/'],
    ['lookalike', 'https://evilacme.test/'],
    ['userinfo trick', 'https://acme.test@evil.test/'],
    ['backslash trick', 'https://evil.test\\@acme.test/'],
    ['protocol-relative', '//evil.test/'],
    ['percent-encoded dot', 'https://acme.test%2eevil.test/'],
    ['tab in scheme', 'java\tscript:alert(1)'],
    ['leading space', ' https://acme.test/'],
    ['ftp', 'ftp://acme.test/'],
    ['scheme without slashes', 'https:evil.test'],
    ['host in query only', 'https://evil.test/?u=https://acme.test/'],
  ] as const;

  it.each(hostile)('%s → 422 field url and no link row', async (_name, url) => {
    const before = await countRows(t, 'links');
    const r = await newLink({ url });
    expectApiError(r, 422, 'validation_failed', 'url');
    expect(await countRows(t, 'links')).toBe(before);
  });

  it('hostile URLs are refused on PATCH too, leaving the link unchanged', async () => {
    const created = await newLink({ url: 'https://acme.test/ok' });
    for (const [, url] of hostile) {
      expectApiError(await t.json('PATCH', `/v1/links/${created.body.id}`, { url }), 422, 'validation_failed', 'url');
    }
    expect((await t.json('GET', `/v1/links/${created.body.id}`)).body.url).toBe('https://acme.test/ok');
  });

  it('codes are unique case-insensitively: "Summer" then "summer" → 409 code_taken', async () => {
    expect((await newLink({ code: 'Summer' })).status).toBe(201);
    const before = await countRows(t, 'links');
    for (const code of ['summer', 'SUMMER', 'Summer']) {
      const r = await newLink({ code });
      expectApiError(r, 409, 'conflict');
      expect(r.body.error.reason).toBe('code_taken');
    }
    expect(await countRows(t, 'links')).toBe(before);
  });

  it("a partner's referral code is taken for links too, across programs", async () => {
    const other = await seedProgram(t, { name: 'Other' });
    const r = await newLink({ code: partner.code.toUpperCase() }, other.partner.id);
    expectApiError(r, 409, 'conflict');
    expect(r.body.error.reason).toBe('code_taken');
  });

  it.each(['v1', 'portal', 'health', 'api', 'js', 'assets'])('reserved code %j → 422', async (code) => {
    expectApiError(await newLink({ code }), 422, 'validation_failed', 'code');
  });

  it('unknown partner / link → 404', async () => {
    expectApiError(await newLink({}, 'ptn_missing'), 404, 'not_found');
    expectApiError(await t.json('GET', '/v1/partners/ptn_missing/links'), 404, 'not_found');
    expectApiError(await t.json('GET', '/v1/links/lnk_missing'), 404, 'not_found');
    expectApiError(await t.json('PATCH', '/v1/links/lnk_missing', { archived: true }), 404, 'not_found');
    expectApiError(await t.json('GET', '/v1/links/lnk_missing/stats'), 404, 'not_found');
  });

  it('invalid utm / campaign → 422 naming the field', async () => {
    expectApiError(await newLink({ utm: { source: '' } }), 422, 'validation_failed', 'utm.source');
    expectApiError(await newLink({ utm: { referrer: 'x' } }), 422, 'validation_failed');
    expectApiError(await newLink({ campaign: 'x'.repeat(101) }), 422, 'validation_failed', 'campaign');
  });
});

describe('links — security', () => {
  it("a link can only point at its own program's hosts", async () => {
    await createProgram(t, { name: 'Other', defaultUrl: 'https://other.test/', allowedHosts: ['other.test'] });
    const before = await countRows(t, 'links');
    expectApiError(await newLink({ url: 'https://other.test/' }), 422, 'validation_failed', 'url');
    expect(await countRows(t, 'links')).toBe(before);
  });

  it('a suspended partner cannot create links', async () => {
    await t.json('PATCH', `/v1/partners/${partner.id}`, { status: 'suspended' });
    const before = await countRows(t, 'links');
    const r = await newLink({});
    expect(r.status).toBe(422);
    expect(await countRows(t, 'links')).toBe(before);
  });

  it('PATCH cannot change the code, partner or program of a link', async () => {
    const created = await newLink({ code: 'fixed' });
    for (const patch of [{ code: 'other' }, { partnerId: 'ptn_x' }, { programId: 'prg_x' }]) {
      expectApiError(await t.json('PATCH', `/v1/links/${created.body.id}`, patch), 422, 'validation_failed');
    }
    expect((await t.json('GET', `/v1/links/${created.body.id}`)).body).toEqual(created.body);
  });
});
