import { beforeEach, describe, expect, it } from 'vitest';
import { makeApp, programInput, seedProgram, type TestApp } from '../helpers/app';
import { countRows, expectApiError } from './support';

let t: TestApp;
let ctx: Awaited<ReturnType<typeof seedProgram>>;
beforeEach(async () => {
  t = await makeApp();
  ctx = await seedProgram(t);
});

async function counts() {
  return {
    api_keys: await countRows(t, 'api_keys'),
    programs: await countRows(t, 'programs'),
    partners: await countRows(t, 'partners'),
    links: await countRows(t, 'links'),
  };
}

/** Every write endpoint with a valid body, so each case can spoil one (ids filled in per test). */
const WRITE_ENDPOINTS: Array<[method: string, path: string, valid: Record<string, unknown>]> = [
  ['POST', '/v1/api-keys', { name: 'k', scopes: ['*'] }],
  ['POST', '/v1/programs', programInput],
  ['PATCH', '/v1/programs/:program', { name: 'n' }],
  ['POST', '/v1/programs/:program/partners', { name: 'P', email: 'p@x.test' }],
  ['PATCH', '/v1/partners/:partner', { name: 'n' }],
  ['POST', '/v1/partners/:partner/links', { url: 'https://acme.test/x' }],
  ['PATCH', '/v1/links/:link', { campaign: 'c' }],
];

function resolve(path: string) {
  return path
    .replace(':program', ctx.program.id)
    .replace(':partner', ctx.partner.id)
    .replace(':link', ctx.partner.defaultLink.id);
}

describe('error shape', () => {
  it('errors are {error:{code,message,requestId}} and requestId matches X-Request-Id', async () => {
    const r = await t.json('GET', '/v1/programs/prg_missing');
    expectApiError(r, 404, 'not_found');
    expect(Object.keys(r.body)).toEqual(['error']);
    expect(r.body.error.requestId).toBe(r.res.headers.get('x-request-id'));
    expect(r.res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('an unknown /v1 route → 404 JSON', async () => {
    expectApiError(await t.json('GET', '/v1/nothing-here'), 404, 'not_found');
    expectApiError(await t.json('POST', '/v1/programs/prg_x/nothing'), 404, 'not_found');
  });

  it('ids carry their type prefix', async () => {
    expect(ctx.program.id).toMatch(/^prg_/);
    expect(ctx.partner.id).toMatch(/^ptn_/);
    expect(ctx.partner.defaultLink.id).toMatch(/^lnk_/);
    const key = await t.json('POST', '/v1/api-keys', { name: 'k', scopes: ['*'] });
    expect(key.body.id).toMatch(/^key_/);
  });
});

describe('body limit — 413', () => {
  it('a 70 KiB JSON body to POST /v1/programs → 413 payload_too_large, nothing written', async () => {
    const before = await counts();
    const body = JSON.stringify({ ...programInput, name: 'x'.repeat(70 * 1024) });
    expect(body.length).toBeGreaterThan(70 * 1024);
    const r = await t.json('POST', '/v1/programs', body);
    expectApiError(r, 413, 'payload_too_large');
    expect(await counts()).toEqual(before);
  });

  it('413 also without a Content-Length header (streamed body)', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(16 * 1024));
    const stream = new ReadableStream({
      start(ctrl) {
        for (let i = 0; i < 5; i++) ctrl.enqueue(chunk);
        ctrl.enqueue(new TextEncoder().encode(JSON.stringify(programInput)));
        ctrl.close();
      },
    });
    const res = await t.app.request('/v1/programs', {
      method: 'POST',
      headers: { authorization: 'Bearer test-admin-key-0123456789abcdefghij', 'content-type': 'application/json' },
      body: stream,
      // @ts-expect-error Node's fetch needs duplex for a streamed body
      duplex: 'half',
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    expect(await countRows(t, 'programs')).toBe(1);
  });

  it('a body just under 64 KiB is not a 413 (it is validated normally)', async () => {
    const body = JSON.stringify({ ...programInput, name: 'x'.repeat(60 * 1024) });
    expectApiError(await t.json('POST', '/v1/programs', body), 422, 'validation_failed', 'name');
  });

  it.each(WRITE_ENDPOINTS.map(([m, p]) => [m, p]))('%s %s refuses 70 KiB with 413', async (method, path) => {
    const before = await counts();
    const r = await t.json(method, resolve(path), JSON.stringify({ pad: 'x'.repeat(70 * 1024) }));
    expectApiError(r, 413, 'payload_too_large');
    expect(await counts()).toEqual(before);
  });
});

describe('malformed JSON — 400', () => {
  it.each(['{', '{"name":', "{'name':'x'}", '{"name":"x",}', 'not json', '{"a":1}{"b":2}'])('%j → 400 invalid_json', async (raw) => {
    const before = await counts();
    expectApiError(await t.json('POST', '/v1/programs', raw), 400, 'invalid_json');
    expect(await counts()).toEqual(before);
  });

  it.each(WRITE_ENDPOINTS.map(([m, p]) => [m, p]))('%s %s answers 400 invalid_json', async (method, path) => {
    expectApiError(await t.json(method, resolve(path), '{"oops"'), 400, 'invalid_json');
  });
});

describe('unknown fields and bad input — 422, never 500, never a partial write', () => {
  it.each(WRITE_ENDPOINTS)('%s %s with an unknown field → 422', async (method, path, valid) => {
    const before = await counts();
    const r = await t.json(method, resolve(path), { ...valid, isAdmin: true });
    expectApiError(r, 422, 'validation_failed');
    expect(r.body.error.message).toContain('isAdmin');
    expect(await counts()).toEqual(before);
  });

  it.each(WRITE_ENDPOINTS)('%s %s refuses wrongly typed bodies with 400/422 and writes nothing', async (method, path, valid) => {
    const before = await counts();
    const keys = Object.keys(valid);
    const bodies: unknown[] = [
      'null',
      '[]',
      '"a string"',
      '42',
      'true',
      Object.fromEntries(keys.map((k) => [k, { $gt: '' }])),
      Object.fromEntries(keys.map((k) => [k, ['x']])),
      Object.fromEntries(keys.map((k) => [k, 1e308])),
      Object.fromEntries(keys.map((k) => [k, false])),
    ];
    for (const body of bodies) {
      const r = await t.json(method, resolve(path), body);
      expect([400, 422], `${method} ${path} ${JSON.stringify(body)} → ${JSON.stringify(r.body)}`).toContain(r.status);
      expect(r.body.error.requestId).toEqual(expect.any(String));
    }
    expect(await counts()).toEqual(before);
  });

  it.each(WRITE_ENDPOINTS)('%s %s never answers 500 to odd but well-formed JSON', async (method, path, valid) => {
    const keys = Object.keys(valid);
    const bodies: unknown[] = [
      Object.fromEntries(keys.map((k) => [k, null])),
      Object.fromEntries(keys.map((k) => [k, "'; drop table programs; --"])),
      Object.fromEntries(keys.map((k) => [k, '\u0000\u202e'])),
      JSON.stringify(valid).replace('{', '{"__proto__":{"polluted":true},'),
      JSON.stringify({ ...valid, constructor: { prototype: { polluted: true } } }),
    ];
    for (const body of bodies) {
      const r = await t.json(method, resolve(path), body);
      expect(r.status, `${method} ${path} ${JSON.stringify(body)} → ${JSON.stringify(r.body)}`).toBeLessThan(500);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await countRows(t, 'programs')).toBeGreaterThanOrEqual(1); // tables still there
  });

  it('a body without a JSON content type is refused, not half-read', async () => {
    const before = await counts();
    const res = await t.app.request('/v1/programs', {
      method: 'POST',
      headers: { authorization: 'Bearer test-admin-key-0123456789abcdefghij', 'content-type': 'text/plain' },
      body: JSON.stringify(programInput),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(await counts()).toEqual(before);
  });

  it('a validation failure names the field in message and field', async () => {
    const r = await t.json('POST', `/v1/programs/${ctx.program.id}/partners`, { name: 'P', email: 'nope' });
    expectApiError(r, 422, 'validation_failed', 'email');
    expect(r.body.error.message).toMatch(/^email: /);
  });
});
