import { beforeEach, describe, expect, it } from 'vitest';
import { makeApp, programInput, type TestApp } from '../helpers/app';
import { countRows, expectApiError, rawRows } from './support';

let t: TestApp;
beforeEach(async () => {
  t = await makeApp();
});

describe('programs — happy', () => {
  it('POST /v1/programs → 201 with defaults filled in', async () => {
    const r = await t.json('POST', '/v1/programs', programInput);
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      id: expect.stringMatching(/^prg_[A-Za-z0-9]{20}$/),
      name: 'Acme referrals',
      currency: 'EUR',
      defaultUrl: 'https://acme.test/signup',
      allowedHosts: ['acme.test', '*.acme.test'],
      attribution: { model: 'last_click', windowDays: 30 },
      holdDays: 30,
      clickIdParam: 'rcid',
      dedupWindowSeconds: 3600,
      leaderboardEnabled: false,
      cookieDomain: null,
      createdAt: t.now.toISOString(),
      updatedAt: t.now.toISOString(),
    });
    expect(await countRows(t, 'programs')).toBe(1);
  });

  it('keeps explicit settings and normalises hosts', async () => {
    const r = await t.json('POST', '/v1/programs', {
      name: 'Shop',
      currency: 'JPY',
      defaultUrl: 'https://WWW.Shop.Test/start',
      allowedHosts: ['Shop.Test', '*.shop.test', 'shop.test.'],
      attribution: { model: 'first_click', windowDays: 7 },
      holdDays: 0,
      clickIdParam: 'ref_id',
      dedupWindowSeconds: 60,
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      currency: 'JPY',
      defaultUrl: 'https://www.shop.test/start',
      allowedHosts: ['shop.test', '*.shop.test'],
      attribution: { model: 'first_click', windowDays: 7 },
      holdDays: 0,
      clickIdParam: 'ref_id',
      dedupWindowSeconds: 60,
    });
  });

  it('currency in any case is stored upper case ("eur" is EUR); PATCH still cannot change it', async () => {
    const eur = await t.json('POST', '/v1/programs', { ...programInput, currency: 'eur' });
    const jpy = await t.json('POST', '/v1/programs', { ...programInput, currency: 'jPy' });
    expect([eur.status, eur.body.currency, jpy.status, jpy.body.currency]).toEqual([201, 'EUR', 201, 'JPY']);
    expect((await rawRows(t, 'programs')).map((p) => p.currency).sort()).toEqual(['EUR', 'JPY']);
    expect((await t.json('GET', `/v1/programs/${eur.body.id}`)).body.currency).toBe('EUR');
    expectApiError(await t.json('PATCH', `/v1/programs/${eur.body.id}`, { currency: 'usd' }), 422, 'validation_failed');
  });

  it('attribution.windowDays defaults to 30 when only the model is given', async () => {
    const r = await t.json('POST', '/v1/programs', { ...programInput, attribution: { model: 'first_click' } });
    expect(r.body.attribution).toEqual({ model: 'first_click', windowDays: 30 });
  });

  it('GET /v1/programs/:id returns what was created', async () => {
    const created = await t.json('POST', '/v1/programs', programInput);
    const r = await t.json('GET', `/v1/programs/${created.body.id}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(created.body);
  });

  it('PATCH changes only the given fields and bumps updatedAt', async () => {
    const created = await t.json('POST', '/v1/programs', { ...programInput, attribution: { model: 'first_click', windowDays: 14 } });
    t.advance(5_000);
    const r = await t.json('PATCH', `/v1/programs/${created.body.id}`, { name: 'Renamed', holdDays: 10 });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ...created.body, name: 'Renamed', holdDays: 10, updatedAt: t.now.toISOString() });
    expect((await t.json('GET', `/v1/programs/${created.body.id}`)).body).toEqual(r.body);
  });

  it('PATCH of attribution.windowDays alone keeps the model (regression: zod defaults under partial)', async () => {
    const created = await t.json('POST', '/v1/programs', { ...programInput, attribution: { model: 'first_click', windowDays: 14 } });
    const r = await t.json('PATCH', `/v1/programs/${created.body.id}`, { attribution: { windowDays: 60 } });
    expect(r.status).toBe(200);
    expect(r.body.attribution).toEqual({ model: 'first_click', windowDays: 60 });
    const m = await t.json('PATCH', `/v1/programs/${created.body.id}`, { attribution: { model: 'last_click' } });
    expect(m.body.attribution).toEqual({ model: 'last_click', windowDays: 60 });
  });

  it('PATCH can move defaultUrl and allowedHosts together', async () => {
    const created = await t.json('POST', '/v1/programs', programInput);
    const r = await t.json('PATCH', `/v1/programs/${created.body.id}`, { allowedHosts: ['other.test'], defaultUrl: 'https://other.test/' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ allowedHosts: ['other.test'], defaultUrl: 'https://other.test/' });
  });

  it('GET /v1/programs lists newest first and pages with limit/cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await t.json('POST', '/v1/programs', { ...programInput, name: `P${i}` })).body.id);
      t.advance(1000);
    }
    const sizes: number[] = [];
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
      const r = await t.json('GET', `/v1/programs${q}`);
      expect(r.status).toBe(200);
      sizes.push(r.body.data.length);
      seen.push(...r.body.data.map((p: { id: string }) => p.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([2, 2, 1]);
    expect(seen).toEqual([...ids].reverse());
  });
});

describe('programs — errors', () => {
  it.each(['XYZ', 'xyz', 'EURO', 'euro', '', 'BTC', ' EUR', 'EUR ', '\u0131sk', 'E\u200bUR'])('unknown currency %j → 422 field currency, nothing stored', async (currency) => {
    expectApiError(await t.json('POST', '/v1/programs', { ...programInput, currency }), 422, 'validation_failed', 'currency');
    expect(await countRows(t, 'programs')).toBe(0);
  });

  it.each([
    ['off the allowed hosts', 'https://evil.test/'],
    ['a lookalike suffix', 'https://evilacme.test/'],
    ['javascript:', 'javascript:alert(1)'],
    ['credentials', 'https://acme.test@evil.test/'],
    ['not a URL', 'acme.test/signup'],
  ])('defaultUrl %s → 422 field defaultUrl', async (_name, defaultUrl) => {
    expectApiError(await t.json('POST', '/v1/programs', { ...programInput, defaultUrl }), 422, 'validation_failed', 'defaultUrl');
    expect(await countRows(t, 'programs')).toBe(0);
  });

  it('a bad allowedHosts entry → 422 naming the entry', async () => {
    const r = await t.json('POST', '/v1/programs', { ...programInput, allowedHosts: ['acme.test', 'https://x.test/'] });
    expectApiError(r, 422, 'validation_failed', 'allowedHosts.1');
    expectApiError(await t.json('POST', '/v1/programs', { ...programInput, allowedHosts: [] }), 422, 'validation_failed', 'allowedHosts');
  });

  it.each([
    ['name', { name: undefined }],
    ['holdDays', { holdDays: -1 }],
    ['holdDays', { holdDays: 1.5 }],
    ['clickIdParam', { clickIdParam: 'a b' }],
    ['dedupWindowSeconds', { dedupWindowSeconds: '3600' }],
    ['attribution.model', { attribution: { model: 'linear' } }],
    ['attribution.windowDays', { attribution: { windowDays: 0 } }],
  ])('invalid %s → 422 naming it', async (field, patch) => {
    expectApiError(await t.json('POST', '/v1/programs', { ...programInput, ...patch }), 422, 'validation_failed', field);
    expect(await countRows(t, 'programs')).toBe(0);
  });

  it('PATCH moving defaultUrl off allowedHosts → 422 and nothing changes', async () => {
    const created = await t.json('POST', '/v1/programs', programInput);
    const id = created.body.id;
    expectApiError(await t.json('PATCH', `/v1/programs/${id}`, { defaultUrl: 'https://evil.test/' }), 422, 'validation_failed', 'defaultUrl');
    // Narrowing the hosts so the current defaultUrl falls off them is refused too.
    expectApiError(await t.json('PATCH', `/v1/programs/${id}`, { allowedHosts: ['other.test'], name: 'X' }), 422, 'validation_failed', 'defaultUrl');
    expect((await t.json('GET', `/v1/programs/${id}`)).body).toEqual(created.body);
  });

  it('GET/PATCH of an unknown program → 404', async () => {
    expectApiError(await t.json('GET', '/v1/programs/prg_nope'), 404, 'not_found');
    expectApiError(await t.json('PATCH', '/v1/programs/prg_nope', { name: 'x' }), 404, 'not_found');
  });

  // The numeric settings' ranges, on create and PATCH: one past each end refused (and nothing
  // written), each end accepted. Holds and windows up to 10 years, dedup up to 30 days.
  it.each([
    ['holdDays', (v: number) => ({ holdDays: v }), 0, 3650],
    ['attribution.windowDays', (v: number) => ({ attribution: { windowDays: v } }), 1, 3650],
    ['dedupWindowSeconds', (v: number) => ({ dedupWindowSeconds: v }), 0, 30 * 86400],
  ] as const)('%s: %#', async (field, body, min, max) => {
    for (const bad of [min - 1, max + 1, min + 0.5]) {
      expectApiError(await t.json('POST', '/v1/programs', { ...programInput, ...body(bad) }), 422, 'validation_failed', field);
    }
    expect(await countRows(t, 'programs')).toBe(0);
    const created = await t.json('POST', '/v1/programs', { ...programInput, ...body(min) });
    expect(created.status).toBe(201);
    for (const bad of [min - 1, max + 1]) {
      expectApiError(await t.json('PATCH', `/v1/programs/${created.body.id}`, body(bad)), 422, 'validation_failed', field);
    }
    const patched = await t.json('PATCH', `/v1/programs/${created.body.id}`, body(max));
    expect(patched.status).toBe(200);
    const read = (p: any) => field.split('.').reduce((o, k) => o[k], p);
    expect([read(created.body), read(patched.body), read((await t.json('GET', `/v1/programs/${created.body.id}`)).body)]).toEqual([min, max, max]);
  });

  it('list rejects bad paging parameters with 422', async () => {
    expectApiError(await t.json('GET', '/v1/programs?limit=0'), 422, 'validation_failed', 'limit');
    expectApiError(await t.json('GET', '/v1/programs?limit=201'), 422, 'validation_failed', 'limit');
    expectApiError(await t.json('GET', '/v1/programs?limit=abc'), 422, 'validation_failed', 'limit');
    expectApiError(await t.json('GET', '/v1/programs?cursor=!!!'), 422, 'validation_failed', 'cursor');
    expectApiError(await t.json('GET', `/v1/programs?cursor=${btoa('1:x;drop table programs')}`), 422, 'validation_failed', 'cursor');
  });
});

describe('programs — security', () => {
  it('PATCH cannot set fields outside the schema (id, createdAt, currency)', async () => {
    const created = await t.json('POST', '/v1/programs', programInput);
    for (const patch of [{ id: 'prg_hijack' }, { createdAt: '2000-01-01T00:00:00Z' }, { currency: 'USD' }]) {
      expectApiError(await t.json('PATCH', `/v1/programs/${created.body.id}`, patch), 422, 'validation_failed');
    }
    expect((await t.json('GET', `/v1/programs/${created.body.id}`)).body).toEqual(created.body);
  });

  it('JSON is camelCase throughout', async () => {
    const r = await t.json('POST', '/v1/programs', programInput);
    const keys = JSON.stringify(r.body).match(/"([A-Za-z_]+)":/g) ?? [];
    for (const k of keys) expect(k).not.toContain('_');
  });
});
