import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY } from '../helpers/app';
import { issueToken, makePartnerApp, ok, type PartnerApp } from '../me/helpers';
import { csrfTokenOf } from '../../src/portal/session';
import { clientOf, expectErrorShape, fullSnapshot, rowCounts, tableNames } from './support';

/**
 * Generative bad input for every route: fast-check builds hostile requests from each route's valid
 * one (a field of every JSON type at every path, deep nesting, huge and odd numbers, long and
 * hostile unicode strings, duplicated and array-style query parameters, malformed percent-encoding
 * in paths and queries, odd content types, empty and non-object bodies). Whatever it sends: never
 * a 5xx, every 4xx under /v1 in the one JSON error shape, and a refused request writes no row.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20261205);
/** Runs per route; FUZZ_RUNS=1500 FUZZ_SEED=<n> explore deeper by hand (with --testTimeout). */
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 100);

// ── hostile values ─────────────────────────────────────────────────────────────────────────────

/** JSON text spliced in as is (numbers JSON.stringify cannot write, duplicate keys). */
class Raw {
  constructor(readonly text: string) {}
}

function toJson(v: unknown): string {
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

const hostileStrings = [
  '', ' ', '\t\n', '\u0000', 'a\u0000b', '\ud800', '\udfff', 'x\ud83d', '\u202eevil', 'a\u200bb', '\ufeff', '😀', '👨‍👩‍👧‍👦',
  'İı', 'ß', '\r\n', '%', '%zz', '%E0%A4%A', '%ED%A0%80', "'; DROP TABLE clicks;--", '../../etc/passwd', '<script>alert(1)</script>',
  '1e3', '-0', '9007199254740993', 'NaN', 'Infinity', 'null', 'true', '[]', '{}', '__proto__', 'constructor',
  '2026-02-30T00:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '1970-01-01T00:00:00Z', '2026-03-01T12:00:00+14:00',
  '+275760-09-13T00:00:00Z', 'EUR', 'eur', 'XXX', 'https://acme.test/', 'javascript:alert(1)', 'https://acme.test/\u0000',
  'jane', 'JANE', 'lead', 'sale', 'prg_', 'ptn_nope', 'clk_00000000aaaaaaaaaaaa',
];
const hostileNumbers = [0, -0, 1, -1, 1.5, 0.1, 5e-324, 1e308, -1e308, 2 ** 31, 2 ** 53, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, 1e12, 1e12 + 1, 1e15, 86_400 * 31];
const rawNumbers = ['1e999', '-1e999', '-0', '-0.0', '1E+2', '1e2', '9007199254740993', '123456789012345678901234567890', '1.0', '0.0000001e-400', '100.000000000000001'];

const longString = fc
  .tuple(fc.integer({ min: 51, max: 5000 }), fc.constantFrom('a', 'é', '😀', '\u0000', '\ud800', '%'))
  .map(([n, ch]) => ch.repeat(n));
const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...hostileStrings) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: longString },
);
const hostileNumber = fc.oneof(
  fc.constantFrom(...hostileNumbers),
  fc.constantFrom(...rawNumbers).map((t) => new Raw(t)),
  fc.double(), // NaN and ±Infinity become null
  fc.integer(),
);
const deep = fc
  .tuple(fc.integer({ min: 2, max: 3000 }), fc.boolean())
  .map(([n, arr]) => new Raw(arr ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n)));
/**
 * Valid-looking values from elsewhere (another program's id, a suspended partner's, another
 * currency, enum members of other fields, dates at the edges of what is allowed): filled in once
 * the world is seeded, so a field gets values that pass its own check but not the request's.
 */
const plausiblePool: unknown[] = [];
const plausible = fc.constant(null).chain(() => fc.constantFrom(...plausiblePool));
const scalar = fc.oneof(hostileString, hostileNumber, fc.boolean(), fc.constant(null), plausible, plausible);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileString, scalar, { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: deep },
);

// ── requests ───────────────────────────────────────────────────────────────────────────────────

type Auth = 'admin' | 'partner' | 'none' | 'garbage';

interface Req {
  method: string;
  path: string;
  auth: Auth;
  contentType?: string | null;
  body?: string;
  cookie?: boolean;
  headers?: Record<string, string>;
}

interface Route {
  name: string;
  method: string;
  /** `{…}` marks a path segment (an id, a code) the fuzz also replaces. */
  path: string;
  auth: Auth;
  body?: Record<string, unknown>;
  /** Query parameters with a valid value each. */
  query?: Record<string, string>;
  /** A portal form (application/x-www-form-urlencoded, with the session's CSRF token) instead of JSON. */
  form?: boolean;
  /** Sent with the partner's portal session cookie. */
  cookie?: boolean;
}

const oddContentTypes = [
  'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16',
  'application/json, text/plain', 'application/vnd.api+json', 'APPLICATION/JSON', 'application/jsonx', 'json', ';', '', 'application/json; charset="',
];
const rawBodies = ['', ' ', 'null', 'true', '0', '-0', '1e999', '"x"', '[]', '{', '}', '{"a":1}{"b":2}', '{"a":1,}', "{'a':1}", '\ufeff{}', '\u0000', 'undefined', 'NaN'];
const badSegments = ['%', '%zz', '%E0%A4%A', '%ED%A0%80', '%00', '%2F', '%2e%2e', '..', '.', '%C0%AE', '%FF%FE', 'a%20b', '%F0%9F%98%80', '%E2%80%AE'];
const badQueryValues = ['%', '%zz', '%E0%A4%A', '%ED%A0%80', '%00', '%FF', '+', '%2B', '1e308', '-0', '9007199254740993', '0x10', '%205', '5%20', '%EF%BC%91', 'Infinity', '', '2026-02-30', '+275760-09-13', '%26', '%3D'];

/** percent-encodes what encodeURIComponent can (a lone surrogate it cannot: sent as its raw UTF-8 bytes' escapes). */
function enc(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return s.replace(/[^A-Za-z0-9]/g, '%ED%A0%80');
  }
}

/** Every path into a JSON value (objects and arrays), e.g. ['customer', 'externalId'], ['tiers', 0, 'amount']. */
function pathsOf(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== 'object') return [];
  const out: (string | number)[][] = [];
  for (const [k, x] of Object.entries(v)) {
    const p = [...prefix, Array.isArray(v) ? Number(k) : k];
    out.push(p, ...pathsOf(x, p));
  }
  return out;
}

/** A deep copy that keeps Raw values (and own `__proto__` keys) as they are. */
function clone(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || v instanceof Raw) return v;
  if (Array.isArray(v)) return v.map(clone);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]));
}

function setAt(root: unknown, path: (string | number)[], value: unknown, remove = false): unknown {
  const copy = clone(root) as any;
  let cur = copy;
  for (const k of path.slice(0, -1)) cur = cur[k];
  const last = path[path.length - 1]!;
  if (remove) Array.isArray(cur) ? cur.splice(Number(last), 1) : delete cur[last];
  else cur[last] = value;
  return copy;
}

function getAt(root: unknown, path: (string | number)[]): unknown {
  return path.reduce<any>((cur, k) => cur?.[k], root);
}

/** A hostile JSON body derived from `base`. */
function jsonBody(base: Record<string, unknown>): fc.Arbitrary<{ body: string; contentType: string | null }> {
  const paths = pathsOf(base);
  const json = (v: unknown) => ({ body: toJson(v), contentType: 'application/json' });
  const options: fc.Arbitrary<{ body: string; contentType: string | null }>[] = [
    // a field replaced by a value of any type
    ...(paths.length ? [fc.tuple(fc.constantFrom(...paths), hostileValue).map(([p, v]) => json(setAt(base, p, v)))] : []),
    // several fields at once
    ...(paths.length > 1
      ? [fc.array(fc.tuple(fc.constantFrom(...paths), hostileValue), { minLength: 2, maxLength: 4 }).map((xs) => json(xs.reduce<unknown>((b, [p, v]) => (getAt(b, p.slice(0, -1)) && typeof getAt(b, p.slice(0, -1)) === 'object' ? setAt(b, p, v) : b), base)))]
      : []),
    // a field missing; a scalar wrapped in an array; an unknown key
    ...(paths.length ? [fc.constantFrom(...paths).map((p) => json(setAt(base, p, undefined, true)))] : []),
    ...(paths.length ? [fc.constantFrom(...paths).map((p) => json(setAt(base, p, [getAt(base, p)])))] : []),
    fc.tuple(fc.oneof(hostileString, fc.constantFrom('__proto__', 'constructor', 'prototype')), hostileValue).map(([k, v]) => ({ body: `{${JSON.stringify(k)}:${toJson(v)}${Object.keys(base).length ? ',' + toJson(base).slice(1) : '}'}`, contentType: 'application/json' })),
    // the same key twice, the hostile one first or last
    ...(paths.length
      ? [
          fc.tuple(fc.constantFrom(...Object.keys(base)), hostileValue, fc.boolean()).map(([k, v, last]) => {
            const inner = toJson(base).slice(1, -1);
            const dup = `${JSON.stringify(k)}:${toJson(v)}`;
            return { body: last ? `{${inner},${dup}}` : `{${dup},${inner}}`, contentType: 'application/json' };
          }),
        ]
      : []),
    // valid JSON that is not an object
    fc.oneof(hostileValue, fc.constant([base]), fc.constant(null)).filter((v) => v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Raw).map(json),
    // not JSON / odd encodings
    fc.constantFrom(...rawBodies).map((body) => ({ body, contentType: 'application/json' })),
    // the valid body (or a hostile one) under an odd content type, or none
    fc.tuple(fc.constantFrom(...oddContentTypes, null), fc.oneof(fc.constant(toJson(base)), fc.constantFrom(...rawBodies))).map(([contentType, body]) => ({ body, contentType })),
    // deep nesting as the body or inside a field
    deep.map((d) => json(d)),
    ...(paths.length ? [fc.tuple(fc.constantFrom(...paths), deep).map(([p, d]) => json(setAt(base, p, d)))] : []),
  ];
  return fc.oneof(...options);
}

/** A hostile query string derived from `valid` (duplicates, arrays, malformed escapes, unknown keys). */
function queryString(valid: Record<string, string>): fc.Arbitrary<string> {
  const keys = [...Object.keys(valid), 'limit', 'cursor'];
  const value = fc.oneof(
    fc.constantFrom(...badQueryValues),
    hostileString.map(enc),
    fc.constantFrom(...Object.values(valid), 'x').map(enc),
  );
  const pair = fc.tuple(fc.constantFrom(...keys, 'unknown', 'limit[]', 'limit[0]', '%zz', '', '__proto__'), value).map(([k, v]) => `${k}=${v}`);
  const validPairs = Object.entries(valid).map(([k, v]) => `${k}=${enc(v)}`);
  return fc.array(fc.oneof(pair, ...(validPairs.length ? [fc.constantFrom(...validPairs)] : []), fc.constantFrom('&', '=', '==', 'limit', '&&')), { minLength: 1, maxLength: 6 }).map((ps) => ps.join('&'));
}

function requestFor(route: Route): fc.Arbitrary<Req> {
  const base: Req = { method: route.method, path: route.path.replace(/\{([^/}]+)\}/g, '$1'), auth: route.auth };
  const segments = route.path.split('/');
  const idIndexes = segments.flatMap((s, i) => (/^\{[^/}]+\}$/.test(s) ? [i] : []));
  const formOf = (pairs: [string, string][]) => pairs.map(([k, v]) => `${k}=${v}`).join('&');
  const validBody = !route.body
    ? {}
    : route.form
      ? { body: formOf(Object.entries(route.body).map(([k, v]) => [k, enc(String(v))])), contentType: 'application/x-www-form-urlencoded' }
      : { body: toJson(route.body), contentType: 'application/json' };
  const valid = (path = base.path): Req => ({ ...base, path, ...validBody });

  const kinds: fc.Arbitrary<Req>[] = [];
  if (route.form) {
    const form = route.body as Record<string, string>;
    const fields = Object.keys(form).filter((k) => k !== 'csrf');
    const formBody = fc.array(fc.tuple(fc.constantFrom(...fields, ...fields, ...fields, 'csrf', '%zz', ''), fc.oneof(fc.constantFrom(...badQueryValues), hostileString.map(enc), plausible.map((v) => enc(String(v))))), { maxLength: 5 });
    kinds.push(
      fc.tuple(formBody, fc.constantFrom('application/x-www-form-urlencoded', 'multipart/form-data', 'multipart/form-data; boundary=x', 'application/json', 'text/plain', null)).map(([pairs, ct]) => ({
        ...base,
        body: formOf([...pairs, ...Object.entries(form).filter(([k]) => !pairs.some(([p]) => p === k)).map(([k, v]): [string, string] => [k, enc(v)])]),
        contentType: ct,
      })),
      fc.constantFrom(...rawBodies, '--x\r\nContent-Disposition: form-data; name="url"\r\n\r\nhttps://acme.test/\r\n', '--x--').map((body) => ({ ...base, body, contentType: 'multipart/form-data; boundary=x' })),
    );
  } else if (route.body) {
    kinds.push(jsonBody(route.body).map((b) => ({ ...base, ...b })));
  } else if (route.method !== 'GET' && route.method !== 'HEAD') {
    // no body expected: send one anyway
    kinds.push(fc.oneof(jsonBody({ x: 1 }), fc.constantFrom(...rawBodies).map((body) => ({ body, contentType: 'application/json' }))).map((b) => ({ ...base, ...b })));
  }
  if (route.query || route.method === 'GET') kinds.push(queryString(route.query ?? {}).map((q) => ({ ...valid(), path: `${base.path}?${q}` })));
  if (idIndexes.length) {
    const seg = fc.oneof(fc.constantFrom(...badSegments), hostileString.filter((s) => s.length > 0).map(enc), longString.map(enc));
    kinds.push(
      fc.tuple(fc.constantFrom(...idIndexes), seg).map(([i, s]) => ({
        ...valid(segments.map((x, j) => (j === i ? s : x.replace(/^\{([^/}]+)\}$/, '$1'))).join('/')),
      })),
    );
  }
  // rarer: the valid request under another credential or method, or with a hostile Idempotency-Key
  const rare: fc.Arbitrary<Req>[] = [
    fc.constantFrom<Auth>('none', 'garbage', route.auth === 'partner' ? 'admin' : 'partner').map((auth) => ({ ...valid(), auth })),
    fc.constantFrom('PUT', 'OPTIONS', 'DELETE', 'PATCH', 'POST', 'GET', 'HEAD').map((method) => ({ ...valid(), method })),
  ];
  // hostile request headers (what a redirect records, what the portal checks)
  const latin1 = fc.string({ unit: fc.integer({ min: 0x21, max: 0xff }).map((n) => String.fromCharCode(n)), maxLength: 300 });
  const headerValue = fc.oneof(latin1, fc.constantFrom('-', '1.1.1.1, 2.2.2.2:80', '[::1]:8080', 'unknown', 'XX', 'T1', 'prefetch;anonymous-client-ip', 'https://evil.test', 'null', 'javascript:1', 'http://[::1', 'x'.repeat(8000)));
  const headerName = fc.constantFrom('user-agent', 'referer', 'sec-purpose', 'purpose', 'cf-ipcountry', 'x-forwarded-for', 'origin', 'cookie', 'accept', 'content-length');
  kinds.push(fc.array(fc.tuple(headerName, headerValue), { minLength: 1, maxLength: 4 }).map((hs) => ({ ...valid(), headers: Object.fromEntries(hs) })));
  if (route.method === 'POST' && !route.form) {
    rare.push(fc.constantFrom('', ' ', 'x'.repeat(256), '%00', '\u00ff').map((k) => ({ ...valid(), headers: { 'idempotency-key': k } })));
  }
  return fc.oneof(...kinds.map((arbitrary) => ({ weight: 4, arbitrary })), ...rare.map((arbitrary) => ({ weight: 1, arbitrary }))).map((r) => (route.cookie ? { ...r, cookie: true } : r));
}

// ── the app ────────────────────────────────────────────────────────────────────────────────────

interface World {
  h: PartnerApp;
  ids: Record<string, string>;
  partnerToken: string;
}

async function seed(): Promise<World> {
  const h = await makePartnerApp();
  const { admin } = h;
  const program = await ok(admin('POST', '/v1/programs', { name: 'Acme', currency: 'EUR', defaultUrl: 'https://acme.test/signup', allowedHosts: ['acme.test', '*.acme.test'], holdDays: 0 }), 201);
  const partner = await ok(admin('POST', `/v1/programs/${program.id}/partners`, { name: 'Jane', email: 'jane@partner.test', externalId: 'u_42', code: 'jane' }), 201);
  const other = await ok(admin('POST', `/v1/programs/${program.id}/partners`, { name: 'Olga', email: 'olga@partner.test' }), 201);
  const link = await ok(admin('POST', `/v1/partners/${partner.id}/links`, { url: 'https://shop.acme.test/pricing', code: 'jane-pro' }), 201);
  const reward = await ok(admin('POST', `/v1/programs/${program.id}/rewards`, { event: 'sale', type: 'fixed', amount: 500 }), 201);
  const hook = await ok(admin('POST', `/v1/programs/${program.id}/webhooks`, { url: 'https://hooks.acme.test/reflink', events: ['sale.created'] }), 201);
  const lead = await ok(admin('POST', '/v1/track/lead', { code: 'jane', customer: { externalId: 'cus_1', email: 'bob@example.org' } }));
  const sold = await ok(admin('POST', '/v1/track/sale', { programId: program.id, customerExternalId: 'cus_1', externalId: 'ord_1', amount: 4900, currency: 'EUR' }));
  h.t.advance(60_000);
  await ok(admin('POST', '/v1/jobs/approve-commissions'));
  const payouts = await ok(admin('POST', `/v1/programs/${program.id}/payouts`, { minAmount: 1 }), 201);
  const key = await ok(admin('POST', '/v1/api-keys', { name: 'to revoke', scopes: ['programs:read'] }), 201);
  const com = await ok(admin('GET', `/v1/programs/${program.id}/commissions?limit=1`));
  const deliveries = await ok(admin('GET', `/v1/webhooks/${hook.id}/deliveries`));
  const partnerToken = await issueToken(h, partner.id);
  const otherProgram = await ok(admin('POST', '/v1/programs', { name: 'Other', currency: 'USD', defaultUrl: 'https://other.test/', allowedHosts: ['other.test'] }), 201);
  const otherPartner = await ok(admin('POST', `/v1/programs/${otherProgram.id}/partners`, { name: 'Uma', email: 'uma@partner.test', code: 'uma' }), 201);
  const suspended = await ok(admin('POST', `/v1/programs/${program.id}/partners`, { name: 'Sam', email: 'sam@partner.test', code: 'sam' }), 201);
  await ok(admin('PATCH', `/v1/partners/${suspended.id}`, { status: 'suspended' }));
  plausiblePool.push(
    otherProgram.id, otherPartner.id, suspended.id, program.id, partner.id, other.id, link.id, reward.id, payouts.data[0].id, key.id,
    'uma', 'sam', 'jane', 'jane-pro', 'ord_1', 'cus_1', 'u_42', 'USD', 'EUR', 'JPY', 'points', 'percent', 'per_unit', 'fixed', 'customer', 'partner',
    'suspended', 'active', 'canceled', 'pending', 'first_click', 'lifetime', 'year', 'month', 'lead', 'sale', 'signup', 'paid', 'reversed', 'csv', 'week', 'referrer',
    '2026-03-01', '1970-01-01', '9999-12-31', '2026-03-01T12:04:59Z', '2026-03-01T12:06:00Z', '2020-01-01T00:00:00Z', '1970-01-01T00:00:00.000Z',
    0, 1, 2, 59, 60, 100_000, 100_001, 1e12, 1_000_000, 3650, 3651, 2592000, 2592001, true, false, null, ['*'], [], {},
    `https://other.test/`, 'https://shop.acme.test/', 'http://acme.test:8080/x', `clk_${'0'.repeat(20)}`,
  );
  return {
    h,
    partnerToken,
    ids: { PRG: program.id, PTN: partner.id, PTN2: other.id, LNK: link.id, RWD: reward.id, PAY: payouts.data[0].id, KEY: key.id, COM: com.data[0].id, CUS: lead.customer.id, EVT: sold.event.id, WHK: hook.id, WHD: deliveries.data[0].id },
  };
}

function routes(ids: Record<string, string>): Route[] {
  const PRG = ids.PRG!;
  const program = { name: 'P2', currency: 'EUR', defaultUrl: 'https://acme.test/', allowedHosts: ['acme.test'], attribution: { model: 'first_click', windowDays: 30 }, holdDays: 30, clickIdParam: 'rcid', dedupWindowSeconds: 3600, leaderboardEnabled: false };
  const rule = { event: 'sale', recipient: 'partner', type: 'fixed', amount: 0, unit: 'EUR', tiers: [{ upTo: 5, amount: 500 }, { amount: 700 }], tierPeriod: 'year', conditions: [{ field: 'metadata.plan', op: 'eq', value: 'pro' }], caps: { perPartner: { amount: 5000, period: 'month' }, perCustomer: { count: 1 } }, windowDays: 30, holdDays: 0, startsAt: '2026-01-01T00:00:00Z', endsAt: '2027-01-01T00:00:00Z', active: true };
  const link = { url: 'https://shop.acme.test/x?a=1', code: 'fuzz-1', campaign: 'spring', utm: { source: 'news', medium: 'email', campaign: 'spring', term: 't', content: 'c' } };
  const report = { from: '2026-02-01', to: '2026-03-01', groupBy: 'partner', partnerId: ids.PTN!, campaign: 'spring', format: 'csv' };
  const at = '2026-03-01T11:00:00Z';
  return [
    { name: 'POST /v1/api-keys', method: 'POST', path: '/v1/api-keys', auth: 'admin', body: { name: 'k', scopes: ['programs:read', 'ledger:read'] } },
    { name: 'GET /v1/api-keys', method: 'GET', path: '/v1/api-keys', auth: 'admin' },
    { name: 'DELETE /v1/api-keys/:id', method: 'DELETE', path: '/v1/api-keys/{KEY}', auth: 'admin' },
    { name: 'POST /v1/programs', method: 'POST', path: '/v1/programs', auth: 'admin', body: program },
    { name: 'GET /v1/programs', method: 'GET', path: '/v1/programs', auth: 'admin', query: { limit: '2', cursor: btoa('1772366400000:prg_x') } },
    { name: 'GET /v1/programs/:id', method: 'GET', path: '/v1/programs/{PRG}', auth: 'admin' },
    { name: 'PATCH /v1/programs/:id', method: 'PATCH', path: '/v1/programs/{PRG}', auth: 'admin', body: { name: 'Acme', defaultUrl: 'https://acme.test/signup', allowedHosts: ['acme.test', '*.acme.test'], attribution: { model: 'last_click', windowDays: 30 }, holdDays: 0, clickIdParam: 'rcid', dedupWindowSeconds: 3600, leaderboardEnabled: true } },
    { name: 'POST /v1/programs/:id/partners', method: 'POST', path: '/v1/programs/{PRG}/partners', auth: 'admin', body: { name: 'Xi', email: 'xi@partner.test', externalId: 'u_x', code: 'xi-code' } },
    { name: 'GET /v1/programs/:id/partners', method: 'GET', path: '/v1/programs/{PRG}/partners', auth: 'admin', query: { limit: '5' } },
    { name: 'GET /v1/partners/:id', method: 'GET', path: '/v1/partners/{PTN}', auth: 'admin' },
    { name: 'PATCH /v1/partners/:id', method: 'PATCH', path: '/v1/partners/{PTN2}', auth: 'admin', body: { name: 'Olga', email: 'olga@partner.test', payoutMethod: 'wise', payoutDetails: 'olga@example.com' } },
    { name: 'POST /v1/partners/:id/links', method: 'POST', path: '/v1/partners/{PTN}/links', auth: 'admin', body: link },
    { name: 'GET /v1/partners/:id/links', method: 'GET', path: '/v1/partners/{PTN}/links', auth: 'admin', query: { limit: '5' } },
    { name: 'GET /v1/links/:id', method: 'GET', path: '/v1/links/{LNK}', auth: 'admin' },
    { name: 'PATCH /v1/links/:id', method: 'PATCH', path: '/v1/links/{LNK}', auth: 'admin', body: { url: 'https://shop.acme.test/pricing', campaign: 'spring', utm: { source: 'news' }, archived: false } },
    { name: 'GET /v1/links/:id/stats', method: 'GET', path: '/v1/links/{LNK}/stats', auth: 'admin' },
    { name: 'POST /v1/track/lead', method: 'POST', path: '/v1/track/lead', auth: 'admin', body: { code: 'jane', clickId: 'clk_x', programId: PRG, customer: { externalId: 'cus_f', email: 'f@example.org', name: 'F' }, eventName: 'signup', occurredAt: at, metadata: { plan: 'pro', n: 1 } } },
    { name: 'POST /v1/track/sale', method: 'POST', path: '/v1/track/sale', auth: 'admin', body: { programId: PRG, customerExternalId: 'cus_1', externalId: 'ord_f', amount: 1000, currency: 'EUR', quantity: 2, eventName: 'sale', occurredAt: at, metadata: { plan: 'pro' } } },
    { name: 'POST /v1/track/event', method: 'POST', path: '/v1/track/event', auth: 'admin', body: { programId: PRG, customerExternalId: 'cus_1', eventName: 'demo_requested', externalId: 'ev_f', quantity: 1, occurredAt: at, metadata: { a: [1] } } },
    { name: 'POST /v1/track/refund', method: 'POST', path: '/v1/track/refund', auth: 'admin', body: { programId: PRG, saleExternalId: 'ord_1', externalId: 're_f', amount: 100, occurredAt: at } },
    { name: 'POST /v1/programs/:id/rewards', method: 'POST', path: '/v1/programs/{PRG}/rewards', auth: 'admin', body: rule },
    { name: 'GET /v1/programs/:id/rewards', method: 'GET', path: '/v1/programs/{PRG}/rewards', auth: 'admin' },
    { name: 'GET /v1/programs/:id/rewards/:id', method: 'GET', path: '/v1/programs/{PRG}/rewards/{RWD}', auth: 'admin' },
    { name: 'PATCH /v1/programs/:id/rewards/:id', method: 'PATCH', path: '/v1/programs/{PRG}/rewards/{RWD}', auth: 'admin', body: { amount: 500, active: true, windowDays: null, holdDays: 0, conditions: [{ field: 'amount', op: 'gte', value: 1 }], caps: null, startsAt: null, endsAt: null } },
    { name: 'GET /v1/programs/:id/commissions', method: 'GET', path: '/v1/programs/{PRG}/commissions', auth: 'admin', query: { partnerId: ids.PTN!, status: 'pending', limit: '5' } },
    { name: 'GET /v1/events', method: 'GET', path: '/v1/events', auth: 'admin', query: { programId: PRG, customerExternalId: 'cus_1', limit: '5' } },
    { name: 'GET /v1/programs/:id/customers', method: 'GET', path: '/v1/programs/{PRG}/customers', auth: 'admin', query: { partnerId: ids.PTN!, externalId: 'cus_1', email: 'bob@example.org', limit: '5' } },
    { name: 'GET /v1/programs/:id/customers/:customerId', method: 'GET', path: '/v1/programs/{PRG}/customers/{CUS}', auth: 'admin' },
    { name: 'POST /v1/events/:id/attribute', method: 'POST', path: '/v1/events/{EVT}/attribute', auth: 'admin' },
    { name: 'GET /v1/partners/:id/balance', method: 'GET', path: '/v1/partners/{PTN}/balance', auth: 'admin' },
    { name: 'POST /v1/commissions/:id/void', method: 'POST', path: '/v1/commissions/{COM}/void', auth: 'admin', body: { reason: 'fraud' } },
    { name: 'POST /v1/partners/:id/adjustments', method: 'POST', path: '/v1/partners/{PTN}/adjustments', auth: 'admin', body: { amount: -500, unit: 'EUR', reason: 'clawback', status: 'approved' } },
    { name: 'POST /v1/jobs/approve-commissions', method: 'POST', path: '/v1/jobs/approve-commissions', auth: 'admin' },
    { name: 'POST /v1/programs/:id/payouts', method: 'POST', path: '/v1/programs/{PRG}/payouts', auth: 'admin', body: { minAmount: { EUR: 1000 }, partnerId: ids.PTN! } },
    { name: 'GET /v1/programs/:id/payouts', method: 'GET', path: '/v1/programs/{PRG}/payouts', auth: 'admin', query: { partnerId: ids.PTN!, status: 'pending', limit: '5' } },
    { name: 'GET /v1/payouts/:id', method: 'GET', path: '/v1/payouts/{PAY}', auth: 'admin' },
    { name: 'POST /v1/payouts/:id/cancel', method: 'POST', path: '/v1/payouts/{PAY}/cancel', auth: 'admin', body: { reason: 'wrong IBAN' } },
    { name: 'POST /v1/payouts/:id/mark-paid', method: 'POST', path: '/v1/payouts/{PAY}/mark-paid', auth: 'admin', body: { reference: 'SEPA-1' } },
    { name: 'GET /v1/programs/:id/report', method: 'GET', path: '/v1/programs/{PRG}/report', auth: 'admin', query: report },
    { name: 'GET /v1/programs/:id/leaderboard', method: 'GET', path: '/v1/programs/{PRG}/leaderboard', auth: 'admin', query: { from: '2026-02-01', to: '2026-03-01', metric: 'revenue', limit: '5' } },
    { name: 'GET /v1/programs/:id/kpis', method: 'GET', path: '/v1/programs/{PRG}/kpis', auth: 'admin', query: { from: '2026-02-01', to: '2026-03-01' } },
    { name: 'POST /v1/partners/:id/tokens', method: 'POST', path: '/v1/partners/{PTN}/tokens', auth: 'admin', body: { ttlSeconds: 3600 } },
    { name: 'POST /v1/partners/:id/tokens/revoke', method: 'POST', path: '/v1/partners/{PTN2}/tokens/revoke', auth: 'admin' },
    { name: 'POST /v1/partners/:id/tokens/:tokenId/revoke', method: 'POST', path: '/v1/partners/{PTN2}/tokens/{00000000-0000-4000-8000-000000000000}/revoke', auth: 'admin' },
    { name: 'POST /v1/programs/:id/webhooks', method: 'POST', path: '/v1/programs/{PRG}/webhooks', auth: 'admin', body: { url: 'https://hooks.acme.test/x?a=1', events: ['lead.created', 'commission.created'], active: true, description: 'CRM' } },
    { name: 'GET /v1/programs/:id/webhooks', method: 'GET', path: '/v1/programs/{PRG}/webhooks', auth: 'admin', query: { limit: '5' } },
    { name: 'GET /v1/webhooks/:id', method: 'GET', path: '/v1/webhooks/{WHK}', auth: 'admin' },
    { name: 'PATCH /v1/webhooks/:id', method: 'PATCH', path: '/v1/webhooks/{WHK}', auth: 'admin', body: { url: 'https://hooks.acme.test/y', events: ['sale.created'], active: true, description: null } },
    { name: 'POST /v1/webhooks/:id/rotate-secret', method: 'POST', path: '/v1/webhooks/{WHK}/rotate-secret', auth: 'admin' },
    { name: 'GET /v1/webhooks/:id/deliveries', method: 'GET', path: '/v1/webhooks/{WHK}/deliveries', auth: 'admin', query: { status: 'pending', limit: '5' } },
    { name: 'POST /v1/webhooks/:id/deliveries/:id/retry', method: 'POST', path: '/v1/webhooks/{WHK}/deliveries/{WHD}/retry', auth: 'admin' },
    { name: 'DELETE /v1/webhooks/:id', method: 'DELETE', path: '/v1/webhooks/{WHK}', auth: 'admin' },
    { name: 'GET /v1/me', method: 'GET', path: '/v1/me', auth: 'partner' },
    { name: 'GET /v1/me/links', method: 'GET', path: '/v1/me/links', auth: 'partner', query: { limit: '5' } },
    { name: 'POST /v1/me/links', method: 'POST', path: '/v1/me/links', auth: 'partner', body: { ...link, code: 'fuzz-me' } },
    { name: 'GET /v1/me/commissions', method: 'GET', path: '/v1/me/commissions', auth: 'partner', query: { status: 'paid', limit: '5' } },
    { name: 'GET /v1/me/payouts', method: 'GET', path: '/v1/me/payouts', auth: 'partner', query: { limit: '5' } },
    { name: 'GET /v1/me/customers', method: 'GET', path: '/v1/me/customers', auth: 'partner', query: { limit: '5' } },
    { name: 'GET /v1/me/payouts/:id', method: 'GET', path: '/v1/me/payouts/{PAY}', auth: 'partner', query: { limit: '5', format: 'csv' } },
    { name: 'GET /v1/me/report', method: 'GET', path: '/v1/me/report', auth: 'partner', query: report },
    { name: 'GET /v1/me/balance', method: 'GET', path: '/v1/me/balance', auth: 'partner' },
    { name: 'PUT /v1/me/payout-details', method: 'PUT', path: '/v1/me/payout-details', auth: 'partner', body: { method: 'paypal', details: 'jane@example.com' } },
    { name: 'POST /v1/me/tokens/revoke', method: 'POST', path: '/v1/me/tokens/revoke', auth: 'partner' },
    { name: 'POST /v1/me/tokens/current/revoke', method: 'POST', path: '/v1/me/tokens/current/revoke', auth: 'partner' },
    { name: 'GET /portal/login', method: 'GET', path: '/portal/login', auth: 'none', query: { token: 'TOKEN' } },
    { name: 'POST /portal/login', method: 'POST', path: '/portal/login', auth: 'none', body: { token: 'TOKEN', nonce: 'NONCE' }, cookie: true, form: true },
    { name: 'GET /portal', method: 'GET', path: '/portal', auth: 'none', query: { days: '90', created: 'jane-pro' }, cookie: true },
    { name: 'GET /portal/report.csv', method: 'GET', path: '/portal/report.csv', auth: 'none', query: { days: '30' }, cookie: true },
    { name: 'GET /portal/payouts/:id', method: 'GET', path: '/portal/payouts/{PAY}', auth: 'none', cookie: true },
    { name: 'GET /portal/payouts/:id/statement.csv', method: 'GET', path: '/portal/payouts/{PAY}/statement.csv', auth: 'none', cookie: true },
    { name: 'GET /portal/logout', method: 'GET', path: '/portal/logout', auth: 'none', cookie: true },
    { name: 'POST /portal/links', method: 'POST', path: '/portal/links', auth: 'none', body: { url: 'https://acme.test/p', campaign: 'spring', csrf: 'CSRF' }, cookie: true, form: true },
    { name: 'POST /portal/logout', method: 'POST', path: '/portal/logout', auth: 'none', body: { csrf: 'CSRF' }, cookie: true, form: true },
    { name: 'POST /portal/payout-details', method: 'POST', path: '/portal/payout-details', auth: 'none', body: { method: 'bank_transfer', details: 'DE89 3704 0044 0532 0130 00', csrf: 'CSRF' }, cookie: true, form: true },
    { name: 'GET /:code', method: 'GET', path: '/{jane-pro}', auth: 'none' },
    { name: 'HEAD /:code', method: 'HEAD', path: '/{jane}', auth: 'none' },
    { name: 'GET /:code/', method: 'GET', path: '/{jane}/', auth: 'none' },
    { name: 'GET /health', method: 'GET', path: '/health', auth: 'none' },
  ];
}

async function send(w: World, r: Req): Promise<Response> {
  const headers: Record<string, string> = { ...r.headers };
  if (r.auth === 'admin') headers.authorization = `Bearer ${ADMIN_KEY}`;
  else if (r.auth === 'partner') headers.authorization = `Bearer ${w.partnerToken}`;
  else if (r.auth === 'garbage') headers.authorization = 'Bearer x.y.z';
  if (r.cookie) headers.cookie = `__Host-rl_portal=${w.partnerToken}`;
  if (r.contentType !== undefined && r.contentType !== null) headers['content-type'] = r.contentType;
  const csrf = await csrfTokenOf(w.partnerToken);
  const path = r.path.replace('TOKEN', w.partnerToken);
  const body = r.body?.replace('CSRF', csrf);
  return w.h.app.request(`http://ref.test${path}`, { method: r.method, headers, body: r.method === 'GET' || r.method === 'HEAD' ? undefined : body });
}

/** Rows inserted, updated or deleted on the app's connection so far (SQLite total_changes()). */
async function totalChanges(w: World): Promise<number> {
  return Number((await clientOf(w.h.t).execute('select total_changes() as n')).rows[0]!.n);
}

function describeReq(r: Req): string {
  return `${r.method} ${r.path.slice(0, 200)} auth=${r.auth} ct=${JSON.stringify(r.contentType)} body=${JSON.stringify(r.body?.slice(0, 300))}${r.headers ? ` headers=${JSON.stringify(r.headers).slice(0, 100)}` : ''}`;
}

describe('fuzz: generated hostile input on every route', () => {
  let w: World;
  let tables: string[];
  let counts: Record<string, number>;
  let changes: number;
  let snapshot: Record<string, unknown[]>;

  beforeAll(async () => {
    w = await seed();
    tables = await tableNames(w.h.t);
    counts = await rowCounts(w.h.t, tables);
    changes = await totalChanges(w);
    snapshot = await fullSnapshot(w.h.t, tables);
  });

  /** One request: never 5xx, /v1 4xx in the error shape, a refused request writes no row. */
  async function check(route: Route, r: Req): Promise<void> {
    const res = await send(w, r);
    const text = await res.text();
    const label = `${route.name}: ${describeReq(r)} → ${res.status} ${text.slice(0, 300)}`;
    // A redirect's click is written after the response; wait for it before counting rows again.
    if (res.status < 400) await w.h.t.clickSink.flush();
    const after = await rowCounts(w.h.t, tables);
    const before = counts;
    counts = after;
    const changesAfter = await totalChanges(w);
    const changesBefore = changes;
    changes = changesAfter;
    if ((route.name === 'POST /v1/me/tokens/revoke' || route.name === 'POST /v1/me/tokens/current/revoke') && res.status === 200) {
      // The partner signed out everywhere: sign in again for the routes that follow.
      w.partnerToken = await issueToken(w.h, w.ids.PTN!);
      [counts, changes, snapshot] = [await rowCounts(w.h.t, tables), await totalChanges(w), await fullSnapshot(w.h.t, tables)];
    }
    expect(res.status, label).toBeLessThan(500);
    // A redirect that handed out a click id stored exactly that click.
    const location = res.headers.get('location');
    if (res.status === 302 && r.method === 'GET' && location?.includes('rcid=')) {
      expect(after.clicks! - before.clicks!, `${label}: the click was not stored`).toBe(1);
    }
    if (res.status >= 400 && r.method !== 'HEAD' && new URL(`http://x${r.path}`).pathname.startsWith('/v1')) {
      expect(res.headers.get('content-type'), label).toMatch(/^application\/json/);
      expectErrorShape(label, JSON.parse(text), undefined, res);
    }
    if (res.status >= 400) expect(after, `${label}: a refused request wrote rows`).toEqual(before);
    // Updates too, which row counts miss: when SQLite counted any change (a batch rolled back
    // counts as well, and so does an Idempotency-Key claim), every row must be as it was.
    if (changesAfter !== changesBefore) {
      const now = await fullSnapshot(w.h.t, tables);
      if (res.status >= 400) expect(now, `${label}: a refused request changed rows`).toEqual(snapshot);
      snapshot = now;
    }
  }

  const table = routes({ PRG: 'PRG', PTN: 'PTN', PTN2: 'PTN2', LNK: 'LNK', RWD: 'RWD', PAY: 'PAY', KEY: 'KEY', CUS: 'CUS', WHK: 'WHK', WHD: 'WHD' });
  it('covers every route the app mounts (a new route fails here until it is in the table)', () => {
    const mounted = new Set(w.h.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path.replace(/\{.*\}$/, '')}`));
    // `/v1/programs/{PRG}/rewards/{RWD}` → `/v1/programs/:programId/rewards/:rewardId`, as Hono lists it.
    const covered = new Set(
      table.map((r) => {
        const pattern = [...w.h.app.routes].find((m) => m.method === r.method && new RegExp(`^${m.path.replace(/:\w+(\{.*\})?/g, '[^/]+')}$`).test(r.path.replace(/[{}]/g, '')));
        return `${r.method} ${pattern?.path.replace(/\{.*\}$/, '') ?? r.path}`;
      }),
    );
    expect([...mounted].filter((m) => !covered.has(m))).toEqual([]);
  });

  it.each(table.map((r, i) => [r.name, i] as const))('%s', async (_name, i) => {
    const route = routes(w.ids)[i]!;
    // Ids are filled in after seeding: `{PRG}` becomes the real id (and stays fuzzable).
    const real: Route = { ...route, path: route.path.replace(/\{([^/}]+)\}/g, (m, k: string) => (w.ids[k] ? `{${w.ids[k]}}` : m)) };
    await fc.assert(
      fc.asyncProperty(requestFor(real), (r) => check(real, r)),
      // No shrinking: the app's state moves on with every request, so a shrunk case is not the same case.
      { seed: SEED + i, numRuns: RUNS_PER_ROUTE, endOnFailure: true },
    );
  });
});
