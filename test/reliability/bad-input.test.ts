import { describe, expect, it } from 'vitest';
import { ADMIN_KEY } from '../helpers/app';
import { handToken, issueToken, makePartnerApp, ok, T0_SECONDS, type PartnerApp } from '../me/helpers';
import { csrfTokenOf } from '../../src/portal/session';
import { defaultCodeOf, expectErrorShape, fullSnapshot, rowCounts, tableNames } from './support';

/**
 * Hostile and malformed requests against every endpoint: each must be a 4xx in the one error shape
 * (portal HTML pages: the status only) and must not write a single row.
 */

type Auth = 'admin' | 'none' | 'readonly' | 'partner' | 'suspended' | { bearer: string } | { header: string };

interface Case {
  name: string;
  method: string;
  path: string;
  /** Serialised with JSON.stringify. */
  body?: unknown;
  /** Sent as is (content-type application/json unless `headers` say otherwise). */
  raw?: string;
  /** Raw bytes (e.g. invalid UTF-8), content-type application/json. */
  bytes?: Uint8Array<ArrayBuffer>;
  /** application/x-www-form-urlencoded body (portal forms). */
  form?: Record<string, string>;
  headers?: Record<string, string>;
  auth?: Auth;
  /** Portal session cookie: 'valid', 'suspended' or a raw value. */
  cookie?: string;
  status: number;
  code?: string;
  /** The response kind: JSON error (default) or an HTML page (status only). */
  kind?: 'json' | 'html';
}

interface Seed {
  programId: string;
  otherProgramId: string;
  partnerId: string;
  partnerCode: string;
  otherPartnerId: string;
  suspendedPartnerId: string;
  linkId: string;
  linkCode: string;
  rewardId: string;
  payoutId: string;
  readonlyKey: string;
  partnerToken: string;
  suspendedToken: string;
}

const long = (n: number, ch = 'a') => ch.repeat(n);
const b64 = (s: string) => btoa(s).replace(/=+$/, '');
const MB = 1024 * 1024;
const bigName = JSON.stringify({ name: long(MB, 'x') });
const enc = encodeURIComponent;
/** `depth` nested arrays: `[[[…]]]`. */
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

/** One valid program with a partner, a vanity link, a reward, an approved sale commission in a pending payout. */
async function seed(h: PartnerApp): Promise<Seed> {
  const { t, admin } = h;
  const program = await ok(
    admin('POST', '/v1/programs', { name: 'Acme', currency: 'EUR', defaultUrl: 'https://acme.test/signup', allowedHosts: ['acme.test', '*.acme.test'], holdDays: 0 }),
    201,
  );
  const other = await ok(admin('POST', '/v1/programs', { name: 'Other', currency: 'USD', defaultUrl: 'https://other.test/', allowedHosts: ['other.test'] }), 201);
  const partner = await ok(admin('POST', `/v1/programs/${program.id}/partners`, { name: 'Jane', email: 'jane@partner.test', externalId: 'u_42', code: 'jane' }), 201);
  const otherPartner = await ok(admin('POST', `/v1/programs/${program.id}/partners`, { name: 'Olga', email: 'olga@partner.test' }), 201);
  const suspended = await ok(admin('POST', `/v1/programs/${program.id}/partners`, { name: 'Sam', email: 'sam@partner.test' }), 201);
  const link = await ok(admin('POST', `/v1/partners/${partner.id}/links`, { url: 'https://shop.acme.test/pricing', code: 'jane-pro' }), 201);
  const reward = await ok(admin('POST', `/v1/programs/${program.id}/rewards`, { event: 'sale', type: 'fixed', amount: 500 }), 201);
  await ok(admin('POST', '/v1/track/lead', { code: 'jane', customer: { externalId: 'cus_1', email: 'bob@example.org' } }));
  const sale = await ok(admin('POST', '/v1/track/sale', { programId: program.id, customerExternalId: 'cus_1', externalId: 'ord_1', amount: 4900, currency: 'EUR' }));
  expect(sale.commissions).toHaveLength(1);
  t.advance(60_000);
  await ok(admin('POST', '/v1/jobs/approve-commissions'));
  const payouts = await ok(admin('POST', `/v1/programs/${program.id}/payouts`, { minAmount: 1 }), 201);
  expect(payouts.data).toHaveLength(1);
  const key = await ok(admin('POST', '/v1/api-keys', { name: 'read only', scopes: ['programs:read'] }), 201);
  const partnerToken = await issueToken(h, partner.id);
  const suspendedToken = await issueToken(h, suspended.id);
  await ok(admin('PATCH', `/v1/partners/${suspended.id}`, { status: 'suspended' }));
  return {
    programId: program.id,
    otherProgramId: other.id,
    partnerId: partner.id,
    partnerCode: partner.code,
    otherPartnerId: otherPartner.id,
    suspendedPartnerId: suspended.id,
    linkId: link.id,
    linkCode: link.code,
    rewardId: reward.id,
    payoutId: payouts.data[0].id,
    readonlyKey: key.key,
    partnerToken,
    suspendedToken,
  };
}

function cases(s: Seed): Case[] {
  const P = s.programId;
  const PTN = s.partnerId;
  const L = s.linkId;
  const sale = { programId: P, customerExternalId: 'cus_1', externalId: 'ord_new', amount: 4900, currency: 'EUR' };
  const rawSale = (amount: string) => `{"programId":"${P}","customerExternalId":"cus_1","externalId":"ord_new","amount":${amount},"currency":"EUR"}`;
  const program = { name: 'P2', currency: 'EUR', defaultUrl: 'https://acme.test/', allowedHosts: ['acme.test'] };
  const rawProgram = (field: string, value: string) => `{"name":"P2","currency":"EUR","defaultUrl":"https://acme.test/","allowedHosts":["acme.test"],"${field}":${value}}`;
  const reward = { event: 'sale', type: 'fixed', amount: 500 };
  const rawReward = (amount: string) => `{"event":"sale","type":"fixed","amount":${amount}}`;
  const refund = { programId: P, saleExternalId: 'ord_1', externalId: 're_new' };
  const lead = { code: s.partnerCode, customer: { externalId: 'cus_new' } };
  const fiftyOneKeys = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]));
  const sqlish = "'; DROP TABLE clicks;--";
  const valid = { auth: 'partner' as const };

  return [
    // ── API keys ─────────────────────────────────────────────────────────────────────────────
    { name: 'api-key: empty body', method: 'POST', path: '/v1/api-keys', body: {}, status: 422 },
    { name: 'api-key: empty name', method: 'POST', path: '/v1/api-keys', body: { name: '', scopes: ['*'] }, status: 422 },
    { name: 'api-key: whitespace name', method: 'POST', path: '/v1/api-keys', body: { name: ' \t ', scopes: ['*'] }, status: 422 },
    { name: 'api-key: name 101 chars', method: 'POST', path: '/v1/api-keys', body: { name: long(101), scopes: ['*'] }, status: 422 },
    { name: 'api-key: numeric name', method: 'POST', path: '/v1/api-keys', body: { name: 123, scopes: ['*'] }, status: 422 },
    { name: 'api-key: unknown scope', method: 'POST', path: '/v1/api-keys', body: { name: 'k', scopes: ['root'] }, status: 422 },
    { name: 'api-key: no scopes', method: 'POST', path: '/v1/api-keys', body: { name: 'k', scopes: [] }, status: 422 },
    { name: 'api-key: scopes as string', method: 'POST', path: '/v1/api-keys', body: { name: 'k', scopes: '*' }, status: 422 },
    { name: 'api-key: sql-ish scope', method: 'POST', path: '/v1/api-keys', body: { name: 'k', scopes: [sqlish] }, status: 422 },
    { name: 'api-key: unknown field', method: 'POST', path: '/v1/api-keys', body: { name: 'k', scopes: ['*'], admin: true }, status: 422 },
    { name: 'api-key: array body', method: 'POST', path: '/v1/api-keys', body: [{ name: 'k', scopes: ['*'] }], status: 422 },
    { name: 'api-key: invalid JSON', method: 'POST', path: '/v1/api-keys', raw: '{"name":"k",', status: 400 },
    { name: 'api-key: read-only key mints', method: 'POST', path: '/v1/api-keys', body: { name: 'k', scopes: ['*'] }, auth: 'readonly', status: 403 },
    { name: 'api-key: no credentials', method: 'POST', path: '/v1/api-keys', body: { name: 'k', scopes: ['*'] }, auth: 'none', status: 401 },
    { name: 'api-key: Basic auth', method: 'POST', path: '/v1/api-keys', body: { name: 'k', scopes: ['*'] }, auth: { header: `Basic ${btoa('admin:admin')}` }, status: 401 },
    { name: 'api-key: 600-char bearer', method: 'POST', path: '/v1/api-keys', body: { name: 'k', scopes: ['*'] }, auth: { bearer: long(600) }, status: 401 },
    { name: 'api-key: sql-ish bearer', method: 'GET', path: '/v1/api-keys', auth: { header: "Bearer ' OR 1=1 --" }, status: 401 },
    { name: 'api-key: forged rk_ bearer', method: 'GET', path: '/v1/api-keys', auth: { bearer: `rk_${long(32, 'A')}` }, status: 401 },
    { name: 'api-key: revoke unknown', method: 'DELETE', path: '/v1/api-keys/key_nope', status: 404 },
    { name: 'api-key: revoke traversal id', method: 'DELETE', path: `/v1/api-keys/${enc('../../etc/passwd')}`, status: 404 },
    { name: 'api-key: revoke 300-char id', method: 'DELETE', path: `/v1/api-keys/${long(300)}`, status: 404 },
    { name: 'api-key: revoke as read-only', method: 'DELETE', path: '/v1/api-keys/key_nope', auth: 'readonly', status: 403 },
    { name: 'api-key: idempotency key 256 chars', method: 'POST', path: '/v1/api-keys', body: { name: 'k', scopes: ['*'] }, headers: { 'idempotency-key': long(256) }, status: 422 },

    // ── Programs ─────────────────────────────────────────────────────────────────────────────
    { name: 'program: lower-case unknown currency', method: 'POST', path: '/v1/programs', body: { ...program, currency: 'xxx' }, status: 422 },
    { name: 'program: dotless-i currency (upper-cases to ISK)', method: 'POST', path: '/v1/programs', body: { ...program, currency: '\u0131sk' }, status: 422 },
    { name: 'program: unknown currency', method: 'POST', path: '/v1/programs', body: { ...program, currency: 'XXX' }, status: 422 },
    { name: 'program: currency symbol', method: 'POST', path: '/v1/programs', body: { ...program, currency: '€' }, status: 422 },
    { name: 'program: numeric currency', method: 'POST', path: '/v1/programs', body: { ...program, currency: 978 }, status: 422 },
    { name: 'program: null currency', method: 'POST', path: '/v1/programs', body: { ...program, currency: null }, status: 422 },
    { name: 'program: currency with zero-width space', method: 'POST', path: '/v1/programs', body: { ...program, currency: 'EU\u200bR' }, status: 422 },
    { name: 'program: no allowed hosts', method: 'POST', path: '/v1/programs', body: { ...program, allowedHosts: [] }, status: 422 },
    { name: 'program: allowedHosts string', method: 'POST', path: '/v1/programs', body: { ...program, allowedHosts: 'acme.test' }, status: 422 },
    { name: 'program: empty host entry', method: 'POST', path: '/v1/programs', body: { ...program, allowedHosts: [''] }, status: 422 },
    { name: 'program: 101 hosts', method: 'POST', path: '/v1/programs', body: { ...program, allowedHosts: Array.from({ length: 101 }, (_, i) => `h${i}.test`) }, status: 422 },
    { name: 'program: javascript defaultUrl', method: 'POST', path: '/v1/programs', body: { ...program, defaultUrl: 'javascript:alert(1)' }, status: 422 },
    { name: 'program: defaultUrl off allowed hosts', method: 'POST', path: '/v1/programs', body: { ...program, defaultUrl: 'https://evil.test/' }, status: 422 },
    { name: 'program: negative holdDays', method: 'POST', path: '/v1/programs', body: { ...program, holdDays: -1 }, status: 422 },
    { name: 'program: float holdDays', method: 'POST', path: '/v1/programs', body: { ...program, holdDays: 1.5 }, status: 422 },
    { name: 'program: holdDays 1e308', method: 'POST', path: '/v1/programs', raw: rawProgram('holdDays', '1e308'), status: 422 },
    { name: 'program: holdDays 2^63', method: 'POST', path: '/v1/programs', raw: rawProgram('holdDays', '9223372036854775808'), status: 422 },
    { name: 'program: holdDays as string', method: 'POST', path: '/v1/programs', body: { ...program, holdDays: '30' }, status: 422 },
    { name: 'program: holdDays "NaN"', method: 'POST', path: '/v1/programs', body: { ...program, holdDays: 'NaN' }, status: 422 },
    { name: 'program: dedupWindowSeconds MAX_SAFE+2', method: 'POST', path: '/v1/programs', raw: rawProgram('dedupWindowSeconds', '9007199254740993'), status: 422 },
    { name: 'program: sql-ish clickIdParam', method: 'POST', path: '/v1/programs', body: { ...program, clickIdParam: sqlish }, status: 422 },
    { name: 'program: unknown attribution model', method: 'POST', path: '/v1/programs', body: { ...program, attribution: { model: 'linear' } }, status: 422 },
    { name: 'program: windowDays 0', method: 'POST', path: '/v1/programs', body: { ...program, attribution: { windowDays: 0 } }, status: 422 },
    { name: 'program: empty name', method: 'POST', path: '/v1/programs', body: { ...program, name: '' }, status: 422 },
    { name: 'program: name 201 chars', method: 'POST', path: '/v1/programs', body: { ...program, name: long(201) }, status: 422 },
    { name: 'program: unknown field', method: 'POST', path: '/v1/programs', body: { ...program, id: 'prg_mine' }, status: 422 },
    { name: 'program: body null', method: 'POST', path: '/v1/programs', raw: 'null', status: 422 },
    { name: 'program: body number', method: 'POST', path: '/v1/programs', raw: '42', status: 422 },
    { name: 'program: body string', method: 'POST', path: '/v1/programs', raw: '"program"', status: 422 },
    { name: 'program: body array', method: 'POST', path: '/v1/programs', body: [program], status: 422 },
    { name: 'program: invalid JSON', method: 'POST', path: '/v1/programs', raw: '{"name":', status: 400 },
    { name: 'program: unquoted keys', method: 'POST', path: '/v1/programs', raw: '{name: "x"}', status: 400 },
    { name: 'program: trailing comma', method: 'POST', path: '/v1/programs', raw: '{"name":"x",}', status: 400 },
    { name: 'program: empty JSON body', method: 'POST', path: '/v1/programs', raw: '', status: 400 },
    { name: 'program: invalid UTF-8 bytes', method: 'POST', path: '/v1/programs', bytes: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), status: 400 },
    { name: 'program: 30000-deep array body', method: 'POST', path: '/v1/programs', raw: nested(30_000), status: 422 },
    { name: 'program: +json media type, wrong types', method: 'POST', path: '/v1/programs', raw: '{"name":1}', headers: { 'content-type': 'application/merge-patch+json' }, status: 422 },
    { name: 'program: 1 MB body', method: 'POST', path: '/v1/programs', raw: bigName, status: 413 },
    { name: 'program: text/plain with JSON body', method: 'POST', path: '/v1/programs', raw: JSON.stringify(program), headers: { 'content-type': 'text/plain' }, status: 400, code: 'bad_request' },
    { name: 'program: form-encoded body', method: 'POST', path: '/v1/programs', raw: 'name=P2&currency=EUR', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 400, code: 'bad_request' },
    { name: 'program: empty idempotency key', method: 'POST', path: '/v1/programs', body: program, headers: { 'idempotency-key': '' }, status: 422 },
    { name: 'programs: limit 0', method: 'GET', path: '/v1/programs?limit=0', status: 422 },
    { name: 'programs: limit -1', method: 'GET', path: '/v1/programs?limit=-1', status: 422 },
    { name: 'programs: limit 1e9', method: 'GET', path: '/v1/programs?limit=1e9', status: 422 },
    { name: 'programs: limit abc', method: 'GET', path: '/v1/programs?limit=abc', status: 422 },
    { name: 'programs: limit 1.5', method: 'GET', path: '/v1/programs?limit=1.5', status: 422 },
    { name: 'programs: limit empty', method: 'GET', path: '/v1/programs?limit=', status: 422 },
    { name: 'programs: duplicate limit', method: 'GET', path: '/v1/programs?limit=1&limit=2', status: 422 },
    { name: 'programs: cursor not base64', method: 'GET', path: '/v1/programs?cursor=!!!%25%25', status: 422 },
    { name: 'programs: cursor random base64', method: 'GET', path: `/v1/programs?cursor=${b64('foobar')}`, status: 422 },
    { name: 'programs: cursor negative time', method: 'GET', path: `/v1/programs?cursor=${b64('-1:prg_x')}`, status: 422 },
    { name: 'programs: cursor huge time', method: 'GET', path: `/v1/programs?cursor=${b64('99999999999999999999:prg_x')}`, status: 422 },
    { name: 'programs: cursor sql-ish id', method: 'GET', path: `/v1/programs?cursor=${enc(b64(`1:${sqlish}`))}`, status: 422 },
    { name: 'programs: cursor 201 chars', method: 'GET', path: `/v1/programs?cursor=${long(201, 'Q')}`, status: 422 },
    { name: 'program: 300-char id', method: 'GET', path: `/v1/programs/${long(300)}`, status: 404 },
    { name: 'program: NUL in id', method: 'GET', path: '/v1/programs/prg_%00', status: 404 },
    { name: 'program: sql-ish id', method: 'GET', path: `/v1/programs/${enc('1 OR 1=1')}`, status: 404 },
    { name: 'program: traversal id', method: 'GET', path: `/v1/programs/${enc('../../etc/passwd')}`, status: 404 },
    { name: 'program: lone surrogate (bad UTF-8) id', method: 'GET', path: '/v1/programs/%ED%A0%80', status: 404 },
    { name: 'program: emoji id', method: 'GET', path: `/v1/programs/${enc('😀')}`, status: 404 },
    { name: 'program: RTL override id', method: 'GET', path: `/v1/programs/${enc('prg_\u202eabc')}`, status: 404 },
    { name: 'program: PATCH currency', method: 'PATCH', path: `/v1/programs/${P}`, body: { currency: 'USD' }, status: 422 },
    { name: 'program: PATCH empty hosts', method: 'PATCH', path: `/v1/programs/${P}`, body: { allowedHosts: [] }, status: 422 },
    { name: 'program: PATCH negative holdDays', method: 'PATCH', path: `/v1/programs/${P}`, body: { holdDays: -1 }, status: 422 },
    { name: 'program: PATCH bad model', method: 'PATCH', path: `/v1/programs/${P}`, body: { attribution: { model: 'x' } }, status: 422 },
    { name: 'program: PATCH defaultUrl off hosts', method: 'PATCH', path: `/v1/programs/${P}`, body: { defaultUrl: 'https://evil.test/' }, status: 422 },
    { name: 'program: PATCH hosts excluding defaultUrl', method: 'PATCH', path: `/v1/programs/${P}`, body: { allowedHosts: ['elsewhere.test'] }, status: 422 },
    { name: 'program: PATCH string boolean', method: 'PATCH', path: `/v1/programs/${P}`, body: { leaderboardEnabled: 'true' }, status: 422 },
    { name: 'program: PATCH unknown program', method: 'PATCH', path: '/v1/programs/prg_nope', body: { name: 'x' }, status: 404 },
    { name: 'program: PUT not routed', method: 'PUT', path: '/v1/programs', body: program, status: 404 },

    // ── Partners ─────────────────────────────────────────────────────────────────────────────
    { name: 'partner: empty body', method: 'POST', path: `/v1/programs/${P}/partners`, body: {}, status: 422 },
    { name: 'partner: bad email', method: 'POST', path: `/v1/programs/${P}/partners`, body: { name: 'X', email: 'not-an-email' }, status: 422 },
    { name: 'partner: RTL override in email', method: 'POST', path: `/v1/programs/${P}/partners`, body: { name: 'X', email: 'moc.live\u202e@x.test' }, status: 422 },
    { name: 'partner: NUL in email', method: 'POST', path: `/v1/programs/${P}/partners`, body: { name: 'X', email: 'x\u0000@x.test' }, status: 422 },
    { name: 'partner: reserved code', method: 'POST', path: `/v1/programs/${P}/partners`, body: { name: 'X', email: 'x@x.test', code: 'v1' }, status: 422 },
    { name: 'partner: emoji code', method: 'POST', path: `/v1/programs/${P}/partners`, body: { name: 'X', email: 'x@x.test', code: '😀😀' }, status: 422 },
    { name: 'partner: 300-char code', method: 'POST', path: `/v1/programs/${P}/partners`, body: { name: 'X', email: 'x@x.test', code: long(300) }, status: 422 },
    { name: 'partner: sql-ish code', method: 'POST', path: `/v1/programs/${P}/partners`, body: { name: 'X', email: 'x@x.test', code: sqlish }, status: 422 },
    { name: 'partner: externalId 201 chars', method: 'POST', path: `/v1/programs/${P}/partners`, body: { name: 'X', email: 'x@x.test', externalId: long(201) }, status: 422 },
    { name: 'partner: duplicate externalId', method: 'POST', path: `/v1/programs/${P}/partners`, body: { name: 'X', email: 'x@x.test', externalId: 'u_42' }, status: 409 },
    { name: 'partner: unknown program', method: 'POST', path: '/v1/programs/prg_nope/partners', body: { name: 'X', email: 'x@x.test' }, status: 404 },
    { name: 'partner: 1 MB body', method: 'POST', path: `/v1/programs/${P}/partners`, raw: bigName, status: 413 },
    { name: 'partners: limit 201', method: 'GET', path: `/v1/programs/${P}/partners?limit=201`, status: 422 },
    { name: 'partners: unknown program', method: 'GET', path: '/v1/programs/prg_nope/partners', status: 404 },
    { name: 'partner: 300-char id', method: 'GET', path: `/v1/partners/${long(300)}`, status: 404 },
    { name: 'partner: PATCH bad status', method: 'PATCH', path: `/v1/partners/${PTN}`, body: { status: 'deleted' }, status: 422 },
    { name: 'partner: PATCH bad email', method: 'PATCH', path: `/v1/partners/${PTN}`, body: { email: 'x' }, status: 422 },
    { name: 'partner: PATCH code (not patchable)', method: 'PATCH', path: `/v1/partners/${PTN}`, body: { code: 'new-code' }, status: 422 },
    { name: 'partner: PATCH programId (not patchable)', method: 'PATCH', path: `/v1/partners/${PTN}`, body: { programId: s.otherProgramId }, status: 422 },
    { name: 'partner: PATCH unknown', method: 'PATCH', path: '/v1/partners/ptn_nope', body: { name: 'x' }, status: 404 },
    { name: 'partner: PATCH as read-only', method: 'PATCH', path: `/v1/partners/${PTN}`, body: { name: 'x' }, auth: 'readonly', status: 403 },

    // ── Links ────────────────────────────────────────────────────────────────────────────────
    { name: 'link: javascript url', method: 'POST', path: `/v1/partners/${PTN}/links`, body: { url: 'javascript:alert(1)' }, status: 422 },
    { name: 'link: host not allowed', method: 'POST', path: `/v1/partners/${PTN}/links`, body: { url: 'https://evil.test/x' }, status: 422 },
    { name: 'link: credentials in url', method: 'POST', path: `/v1/partners/${PTN}/links`, body: { url: 'https://user:pw@acme.test/' }, status: 422 },
    { name: 'link: NUL in url', method: 'POST', path: `/v1/partners/${PTN}/links`, body: { url: 'https://acme.test/\u0000x' }, status: 422 },
    { name: 'link: backslash trick', method: 'POST', path: `/v1/partners/${PTN}/links`, body: { url: 'https://acme.test\\@evil.test/' }, status: 422 },
    { name: 'link: suffix host trick', method: 'POST', path: `/v1/partners/${PTN}/links`, body: { url: 'https://acme.test.evil.test/' }, status: 422 },
    { name: 'link: homoglyph host', method: 'POST', path: `/v1/partners/${PTN}/links`, body: { url: 'https://\u0430cme.test/' }, status: 422 },
    { name: 'link: ftp scheme', method: 'POST', path: `/v1/partners/${PTN}/links`, body: { url: 'ftp://acme.test/' }, status: 422 },
    { name: 'link: 3000-char url', method: 'POST', path: `/v1/partners/${PTN}/links`, body: { url: `https://acme.test/${long(3000)}` }, status: 422 },
    { name: 'link: url as number', method: 'POST', path: `/v1/partners/${PTN}/links`, body: { url: 42 }, status: 422 },
    { name: 'link: reserved code', method: 'POST', path: `/v1/partners/${PTN}/links`, body: { code: 'portal' }, status: 422 },
    { name: 'link: code starting with dash', method: 'POST', path: `/v1/partners/${PTN}/links`, body: { code: '-abc' }, status: 422 },
    { name: 'link: one-char code', method: 'POST', path: `/v1/partners/${PTN}/links`, body: { code: 'a' }, status: 422 },
    { name: 'link: zero-width in code', method: 'POST', path: `/v1/partners/${PTN}/links`, body: { code: 'ab\u200bcd' }, status: 422 },
    { name: 'link: NUL in code', method: 'POST', path: `/v1/partners/${PTN}/links`, body: { code: 'ab\u0000cd' }, status: 422 },
    { name: 'link: lone surrogate in code', method: 'POST', path: `/v1/partners/${PTN}/links`, body: { code: 'ab\ud800' }, status: 422 },
    { name: 'link: path traversal code', method: 'POST', path: `/v1/partners/${PTN}/links`, body: { code: '../admin' }, status: 422 },
    { name: 'link: taken code', method: 'POST', path: `/v1/partners/${PTN}/links`, body: { code: s.linkCode }, status: 409 },
    { name: 'link: taken code, other case', method: 'POST', path: `/v1/partners/${PTN}/links`, body: { code: s.linkCode.toUpperCase() }, status: 409 },
    { name: 'link: empty utm source', method: 'POST', path: `/v1/partners/${PTN}/links`, body: { utm: { source: '' } }, status: 422 },
    { name: 'link: unknown utm key', method: 'POST', path: `/v1/partners/${PTN}/links`, body: { utm: { evil: 'x' } }, status: 422 },
    { name: 'link: utm as string', method: 'POST', path: `/v1/partners/${PTN}/links`, body: { utm: 'utm_source=x' }, status: 422 },
    { name: 'link: campaign 101 chars', method: 'POST', path: `/v1/partners/${PTN}/links`, body: { campaign: long(101) }, status: 422 },
    { name: 'link: unknown partner', method: 'POST', path: '/v1/partners/ptn_nope/links', body: { url: 'https://acme.test/' }, status: 404 },
    { name: 'link: text/plain body', method: 'POST', path: `/v1/partners/${PTN}/links`, raw: '{"url":"javascript:alert(1)"}', headers: { 'content-type': 'text/plain' }, status: 400, code: 'bad_request' },
    { name: 'link: no content-type, JSON body', method: 'POST', path: `/v1/partners/${PTN}/links`, raw: '{"campaign":"x"}', headers: { 'content-type': '' }, status: 400, code: 'bad_request' },
    { name: 'link: PATCH text/plain body', method: 'PATCH', path: `/v1/links/${L}`, raw: '{"archived":true}', headers: { 'content-type': 'text/plain' }, status: 400, code: 'bad_request' },
    { name: 'link: PATCH archived as string', method: 'PATCH', path: `/v1/links/${L}`, body: { archived: 'yes' }, status: 422 },
    { name: 'link: PATCH javascript url', method: 'PATCH', path: `/v1/links/${L}`, body: { url: 'javascript:alert(1)' }, status: 422 },
    { name: 'link: PATCH code (not patchable)', method: 'PATCH', path: `/v1/links/${L}`, body: { code: 'other' }, status: 422 },
    { name: 'link: PATCH unknown', method: 'PATCH', path: '/v1/links/lnk_nope', body: { archived: true }, status: 404 },
    { name: 'link: GET NUL id', method: 'GET', path: '/v1/links/lnk_%00', status: 404 },
    { name: 'link: stats 300-char id', method: 'GET', path: `/v1/links/${long(300)}/stats`, status: 404 },
    { name: 'links: limit 0', method: 'GET', path: `/v1/partners/${PTN}/links?limit=0`, status: 422 },
    { name: 'links: bad cursor', method: 'GET', path: `/v1/partners/${PTN}/links?cursor=${b64('x:y')}`, status: 422 },

    // ── Rewards ──────────────────────────────────────────────────────────────────────────────
    { name: 'reward: empty body', method: 'POST', path: `/v1/programs/${P}/rewards`, body: {}, status: 422 },
    { name: 'reward: unknown type', method: 'POST', path: `/v1/programs/${P}/rewards`, body: { ...reward, type: 'bogus' }, status: 422 },
    { name: 'reward: negative amount', method: 'POST', path: `/v1/programs/${P}/rewards`, body: { ...reward, amount: -1 }, status: 422 },
    { name: 'reward: float amount', method: 'POST', path: `/v1/programs/${P}/rewards`, body: { ...reward, amount: 1.5 }, status: 422 },
    { name: 'reward: amount 1e308', method: 'POST', path: `/v1/programs/${P}/rewards`, raw: rawReward('1e308'), status: 422 },
    { name: 'reward: amount 2^63', method: 'POST', path: `/v1/programs/${P}/rewards`, raw: rawReward('9223372036854775808'), status: 422 },
    { name: 'reward: amount 1e400 (Infinity)', method: 'POST', path: `/v1/programs/${P}/rewards`, raw: rawReward('1e400'), status: 422 },
    { name: 'reward: amount string', method: 'POST', path: `/v1/programs/${P}/rewards`, body: { ...reward, amount: '500' }, status: 422 },
    { name: 'reward: percent over 1000%', method: 'POST', path: `/v1/programs/${P}/rewards`, body: { ...reward, type: 'percent', amount: 100_001 }, status: 422 },
    { name: 'reward: tiers descending', method: 'POST', path: `/v1/programs/${P}/rewards`, body: { ...reward, tiers: [{ upTo: 5, amount: 1 }, { upTo: 3, amount: 2 }] }, status: 422 },
    { name: 'reward: open tier not last', method: 'POST', path: `/v1/programs/${P}/rewards`, body: { ...reward, tiers: [{ amount: 1 }, { upTo: 3, amount: 2 }] }, status: 422 },
    { name: 'reward: empty tiers', method: 'POST', path: `/v1/programs/${P}/rewards`, body: { ...reward, tiers: [] }, status: 422 },
    { name: 'reward: condition field', method: 'POST', path: `/v1/programs/${P}/rewards`, body: { ...reward, conditions: [{ field: 'password', op: 'eq', value: 'x' }] }, status: 422 },
    { name: 'reward: condition sql-ish field', method: 'POST', path: `/v1/programs/${P}/rewards`, body: { ...reward, conditions: [{ field: `metadata.${sqlish}`, op: 'eq', value: 'x' }] }, status: 422 },
    { name: 'reward: condition op', method: 'POST', path: `/v1/programs/${P}/rewards`, body: { ...reward, conditions: [{ field: 'amount', op: 'like', value: 1 }] }, status: 422 },
    { name: 'reward: cap period', method: 'POST', path: `/v1/programs/${P}/rewards`, body: { ...reward, caps: { perPartner: { amount: 1, period: 'week' } } }, status: 422 },
    { name: 'reward: ends before start', method: 'POST', path: `/v1/programs/${P}/rewards`, body: { ...reward, startsAt: '2026-03-02T00:00:00Z', endsAt: '2026-03-01T00:00:00Z' }, status: 422 },
    { name: 'reward: startsAt not a date', method: 'POST', path: `/v1/programs/${P}/rewards`, body: { ...reward, startsAt: 'yesterday' }, status: 422 },
    { name: 'reward: startsAt Feb 30', method: 'POST', path: `/v1/programs/${P}/rewards`, body: { ...reward, startsAt: '2026-02-30T00:00:00Z' }, status: 422 },
    { name: 'reward: event with capitals', method: 'POST', path: `/v1/programs/${P}/rewards`, body: { ...reward, event: 'Sale!' }, status: 422 },
    { name: 'reward: emoji event', method: 'POST', path: `/v1/programs/${P}/rewards`, body: { ...reward, event: '😀' }, status: 422 },
    { name: 'reward: unit with space', method: 'POST', path: `/v1/programs/${P}/rewards`, body: { ...reward, unit: 'M B' }, status: 422 },
    { name: 'reward: unknown recipient', method: 'POST', path: `/v1/programs/${P}/rewards`, body: { ...reward, recipient: 'admin' }, status: 422 },
    { name: 'reward: unknown program', method: 'POST', path: '/v1/programs/prg_nope/rewards', body: reward, status: 404 },
    { name: 'reward: GET unknown', method: 'GET', path: `/v1/programs/${P}/rewards/rwd_nope`, status: 404 },
    { name: 'reward: GET of other program', method: 'GET', path: `/v1/programs/${s.otherProgramId}/rewards/${s.rewardId}`, status: 404 },
    { name: 'rewards: unknown program', method: 'GET', path: `/v1/programs/${enc(sqlish)}/rewards`, status: 404 },
    { name: 'reward: PATCH negative amount', method: 'PATCH', path: `/v1/programs/${P}/rewards/${s.rewardId}`, body: { amount: -1 }, status: 422 },
    { name: 'reward: PATCH unknown', method: 'PATCH', path: `/v1/programs/${P}/rewards/rwd_nope`, body: { active: false }, status: 404 },
    { name: 'reward: PATCH via other program', method: 'PATCH', path: `/v1/programs/${s.otherProgramId}/rewards/${s.rewardId}`, body: { active: false }, status: 404 },

    // ── Track lead ───────────────────────────────────────────────────────────────────────────
    { name: 'lead: empty body', method: 'POST', path: '/v1/track/lead', body: {}, status: 422 },
    { name: 'lead: missing customer', method: 'POST', path: '/v1/track/lead', body: { code: s.partnerCode }, status: 422 },
    { name: 'lead: empty customer externalId', method: 'POST', path: '/v1/track/lead', body: { ...lead, customer: { externalId: '' } }, status: 422 },
    { name: 'lead: no program, click or code', method: 'POST', path: '/v1/track/lead', body: { customer: { externalId: 'c' } }, status: 422 },
    { name: 'lead: unknown program', method: 'POST', path: '/v1/track/lead', body: { programId: 'prg_nope', customer: { externalId: 'c' } }, status: 404 },
    { name: 'lead: program does not match code', method: 'POST', path: '/v1/track/lead', body: { ...lead, programId: s.otherProgramId }, status: 422 },
    { name: 'lead: 300-char clickId', method: 'POST', path: '/v1/track/lead', body: { clickId: long(300), customer: { externalId: 'c' } }, status: 422 },
    { name: 'lead: 51-char code', method: 'POST', path: '/v1/track/lead', body: { code: long(51), customer: { externalId: 'c' } }, status: 422 },
    { name: 'lead: bad email', method: 'POST', path: '/v1/track/lead', body: { ...lead, customer: { externalId: 'c', email: 'bob at example' } }, status: 422 },
    { name: 'lead: eventName with spaces', method: 'POST', path: '/v1/track/lead', body: { ...lead, eventName: 'Sign Up' }, status: 422 },
    { name: 'lead: named sale', method: 'POST', path: '/v1/track/lead', body: { ...lead, eventName: 'sale' }, status: 422 },
    { name: 'lead: bad occurredAt', method: 'POST', path: '/v1/track/lead', body: { ...lead, occurredAt: 'not-a-date' }, status: 422 },
    { name: 'lead: future occurredAt', method: 'POST', path: '/v1/track/lead', body: { ...lead, occurredAt: '2030-01-01T00:00:00Z' }, status: 422 },
    { name: 'lead: 51 metadata keys', method: 'POST', path: '/v1/track/lead', body: { ...lead, metadata: fiftyOneKeys }, status: 422 },
    { name: 'lead: metadata nested 5000 deep', method: 'POST', path: '/v1/track/lead', raw: JSON.stringify({ ...lead, metadata: {} }).replace('"metadata":{}', `"metadata":{"x":${nested(5000)}}`), status: 422 },
    { name: 'event: metadata nested 5000 deep', method: 'POST', path: '/v1/track/event', raw: `{"programId":"${P}","customerExternalId":"cus_1","eventName":"demo","metadata":{"x":${nested(5000)}}}`, status: 422 },
    { name: 'lead: unknown field', method: 'POST', path: '/v1/track/lead', body: { ...lead, partnerId: PTN }, status: 422 },
    { name: 'lead: body array', method: 'POST', path: '/v1/track/lead', body: [lead], status: 422 },
    { name: 'lead: invalid JSON', method: 'POST', path: '/v1/track/lead', raw: '{"code":"jane","customer":{', status: 400 },
    { name: 'lead: 1 MB body', method: 'POST', path: '/v1/track/lead', raw: JSON.stringify({ ...lead, metadata: { blob: long(MB) } }), status: 413 },
    { name: 'lead: text/plain body', method: 'POST', path: '/v1/track/lead', raw: JSON.stringify(lead), headers: { 'content-type': 'text/plain' }, status: 400, code: 'bad_request' },
    { name: 'lead: read-only key', method: 'POST', path: '/v1/track/lead', body: lead, auth: 'readonly', status: 403 },

    // ── Track sale ───────────────────────────────────────────────────────────────────────────
    { name: 'sale: negative amount', method: 'POST', path: '/v1/track/sale', body: { ...sale, amount: -1 }, status: 422 },
    { name: 'sale: float amount', method: 'POST', path: '/v1/track/sale', body: { ...sale, amount: 49.99 }, status: 422 },
    { name: 'sale: amount string', method: 'POST', path: '/v1/track/sale', body: { ...sale, amount: '4900' }, status: 422 },
    { name: 'sale: amount "NaN"', method: 'POST', path: '/v1/track/sale', body: { ...sale, amount: 'NaN' }, status: 422 },
    { name: 'sale: amount "Infinity"', method: 'POST', path: '/v1/track/sale', body: { ...sale, amount: 'Infinity' }, status: 422 },
    { name: 'sale: amount null', method: 'POST', path: '/v1/track/sale', body: { ...sale, amount: null }, status: 422 },
    { name: 'sale: amount 1e308', method: 'POST', path: '/v1/track/sale', raw: rawSale('1e308'), status: 422 },
    { name: 'sale: amount 1e309 (parses to Infinity)', method: 'POST', path: '/v1/track/sale', raw: rawSale('1e309'), status: 422 },
    { name: 'sale: amount 2^63', method: 'POST', path: '/v1/track/sale', raw: rawSale('9223372036854775808'), status: 422 },
    { name: 'sale: amount MAX_SAFE+2', method: 'POST', path: '/v1/track/sale', raw: rawSale('9007199254740993'), status: 422 },
    { name: 'sale: amount -0.0000001', method: 'POST', path: '/v1/track/sale', raw: rawSale('-1e-7'), status: 422 },
    { name: 'sale: duplicate amount key, last negative', method: 'POST', path: '/v1/track/sale', raw: rawSale('4900').replace('"currency"', '"amount":-5,"currency"'), status: 422 },
    { name: 'sale: lower-case other currency than program', method: 'POST', path: '/v1/track/sale', body: { ...sale, currency: 'usd' }, status: 422 },
    { name: 'sale: currency with spaces', method: 'POST', path: '/v1/track/sale', body: { ...sale, currency: ' EUR ' }, status: 422 },
    { name: 'sale: unknown currency', method: 'POST', path: '/v1/track/sale', body: { ...sale, currency: 'XXX' }, status: 422 },
    { name: 'sale: other currency than program', method: 'POST', path: '/v1/track/sale', body: { ...sale, currency: 'USD' }, status: 422 },
    { name: 'sale: empty currency', method: 'POST', path: '/v1/track/sale', body: { ...sale, currency: '' }, status: 422 },
    { name: 'sale: quantity 0', method: 'POST', path: '/v1/track/sale', body: { ...sale, quantity: 0 }, status: 422 },
    { name: 'sale: quantity 1e9', method: 'POST', path: '/v1/track/sale', body: { ...sale, quantity: 1e9 }, status: 422 },
    { name: 'sale: quantity 1.5', method: 'POST', path: '/v1/track/sale', body: { ...sale, quantity: 1.5 }, status: 422 },
    { name: 'sale: occurredAt month 13', method: 'POST', path: '/v1/track/sale', body: { ...sale, occurredAt: '2026-13-45T00:00:00Z' }, status: 422 },
    { name: 'sale: occurredAt without zone', method: 'POST', path: '/v1/track/sale', body: { ...sale, occurredAt: '2026-02-01 10:00' }, status: 422 },
    { name: 'sale: occurredAt epoch number', method: 'POST', path: '/v1/track/sale', body: { ...sale, occurredAt: 1767225600000 }, status: 422 },
    { name: 'sale: occurredAt in the future', method: 'POST', path: '/v1/track/sale', body: { ...sale, occurredAt: '2099-01-01T00:00:00Z' }, status: 422 },
    { name: 'sale: empty externalId', method: 'POST', path: '/v1/track/sale', body: { ...sale, externalId: '' }, status: 422 },
    { name: 'sale: whitespace externalId', method: 'POST', path: '/v1/track/sale', body: { ...sale, externalId: '   ' }, status: 422 },
    { name: 'sale: externalId 201 chars', method: 'POST', path: '/v1/track/sale', body: { ...sale, externalId: long(201) }, status: 422 },
    { name: 'sale: sql-ish programId', method: 'POST', path: '/v1/track/sale', body: { ...sale, programId: '1 OR 1=1' }, status: 404 },
    { name: 'sale: 300-char programId', method: 'POST', path: '/v1/track/sale', body: { ...sale, programId: long(300) }, status: 422 },
    { name: 'sale: metadata key 101 chars', method: 'POST', path: '/v1/track/sale', body: { ...sale, metadata: { [long(101)]: 1 } }, status: 422 },
    { name: 'sale: metadata nested 17 deep', method: 'POST', path: '/v1/track/sale', raw: rawSale('4900').replace('"currency"', `"metadata":{"x":${nested(16)}},"currency"`), status: 422 },
    { name: 'sale: metadata nested 30000 deep', method: 'POST', path: '/v1/track/sale', raw: rawSale('4900').replace('"currency"', `"metadata":{"x":${nested(30_000)}},"currency"`), status: 422 },
    { name: 'sale: metadata as array', method: 'POST', path: '/v1/track/sale', body: { ...sale, metadata: [1, 2] }, status: 422 },
    { name: 'sale: named lead', method: 'POST', path: '/v1/track/sale', body: { ...sale, eventName: 'lead' }, status: 422 },
    { name: 'sale: body number', method: 'POST', path: '/v1/track/sale', raw: '4900', status: 422 },
    { name: 'sale: 1 MB body', method: 'POST', path: '/v1/track/sale', raw: JSON.stringify({ ...sale, metadata: { blob: long(MB) } }), status: 413 },

    // ── Track event ──────────────────────────────────────────────────────────────────────────
    { name: 'event: named sale', method: 'POST', path: '/v1/track/event', body: { programId: P, customerExternalId: 'cus_1', eventName: 'sale' }, status: 422 },
    { name: 'event: capitals', method: 'POST', path: '/v1/track/event', body: { programId: P, customerExternalId: 'cus_1', eventName: 'Demo Requested' }, status: 422 },
    { name: 'event: emoji name', method: 'POST', path: '/v1/track/event', body: { programId: P, customerExternalId: 'cus_1', eventName: 'demo_😀' }, status: 422 },
    { name: 'event: RTL override name', method: 'POST', path: '/v1/track/event', body: { programId: P, customerExternalId: 'cus_1', eventName: 'demo\u202e' }, status: 422 },
    { name: 'event: quantity 0', method: 'POST', path: '/v1/track/event', body: { programId: P, customerExternalId: 'cus_1', eventName: 'demo', quantity: 0 }, status: 422 },
    { name: 'event: unknown program', method: 'POST', path: '/v1/track/event', body: { programId: 'prg_nope', customerExternalId: 'cus_1', eventName: 'demo' }, status: 404 },
    { name: 'event: NUL in program id', method: 'POST', path: '/v1/track/event', body: { programId: `${P}\u0000`, customerExternalId: 'cus_1', eventName: 'demo' }, status: 404 },

    // ── Track refund ─────────────────────────────────────────────────────────────────────────
    { name: 'refund: amount 0', method: 'POST', path: '/v1/track/refund', body: { ...refund, amount: 0 }, status: 422 },
    { name: 'refund: negative amount', method: 'POST', path: '/v1/track/refund', body: { ...refund, amount: -5 }, status: 422 },
    { name: 'refund: float amount', method: 'POST', path: '/v1/track/refund', body: { ...refund, amount: 1.5 }, status: 422 },
    { name: 'refund: amount "all"', method: 'POST', path: '/v1/track/refund', body: { ...refund, amount: 'all' }, status: 422 },
    { name: 'refund: more than the sale', method: 'POST', path: '/v1/track/refund', body: { ...refund, amount: 4901 }, status: 422 },
    { name: 'refund: dated before its sale', method: 'POST', path: '/v1/track/refund', body: { ...refund, occurredAt: '2020-01-01T00:00:00Z' }, status: 422 },
    { name: 'refund: unknown sale', method: 'POST', path: '/v1/track/refund', body: { ...refund, saleExternalId: 'ord_nope' }, status: 404 },
    { name: "refund: another program's sale", method: 'POST', path: '/v1/track/refund', body: { ...refund, programId: s.otherProgramId }, status: 404 },
    { name: 'refund: empty externalId', method: 'POST', path: '/v1/track/refund', body: { ...refund, externalId: '' }, status: 422 },
    { name: 'refund: missing saleExternalId', method: 'POST', path: '/v1/track/refund', body: { programId: P, externalId: 're_x' }, status: 422 },

    // ── Payouts, mark-paid, jobs ─────────────────────────────────────────────────────────────
    { name: 'payouts: negative minAmount', method: 'POST', path: `/v1/programs/${P}/payouts`, body: { minAmount: -1 }, status: 422 },
    { name: 'payouts: minAmount string', method: 'POST', path: `/v1/programs/${P}/payouts`, body: { minAmount: 'abc' }, status: 422 },
    { name: 'payouts: float minAmount', method: 'POST', path: `/v1/programs/${P}/payouts`, body: { minAmount: 1.5 }, status: 422 },
    { name: 'payouts: minAmount 1e308', method: 'POST', path: `/v1/programs/${P}/payouts`, raw: '{"minAmount":1e308}', status: 422 },
    { name: 'payouts: unknown field', method: 'POST', path: `/v1/programs/${P}/payouts`, body: { partner: PTN }, status: 422 }, // partnerId is an option now
    { name: 'payouts: unknown unit in minAmount', method: 'POST', path: `/v1/programs/${P}/payouts`, body: { minAmount: { GBP: 1 } }, status: 422 },
    { name: 'payouts: partnerId of nobody', method: 'POST', path: `/v1/programs/${P}/payouts`, body: { partnerId: 'ptn_nope' }, status: 404 },
    { name: 'payouts: unknown program', method: 'POST', path: '/v1/programs/prg_nope/payouts', body: {}, status: 404 },
    { name: 'payouts: read-only key', method: 'POST', path: `/v1/programs/${P}/payouts`, body: {}, auth: 'readonly', status: 403 },
    { name: 'payouts: list partnerId 65 chars', method: 'GET', path: `/v1/programs/${P}/payouts?partnerId=${long(65)}`, status: 422 },
    { name: 'payouts: list limit abc', method: 'GET', path: `/v1/programs/${P}/payouts?limit=abc`, status: 422 },
    { name: 'payout: GET unknown', method: 'GET', path: '/v1/payouts/pay_nope', status: 404 },
    { name: 'payout: GET traversal', method: 'GET', path: `/v1/payouts/${enc('../programs')}`, status: 404 },
    { name: 'mark-paid: empty body', method: 'POST', path: `/v1/payouts/${s.payoutId}/mark-paid`, body: {}, status: 422 },
    { name: 'mark-paid: empty reference', method: 'POST', path: `/v1/payouts/${s.payoutId}/mark-paid`, body: { reference: '' }, status: 422 },
    { name: 'mark-paid: whitespace reference', method: 'POST', path: `/v1/payouts/${s.payoutId}/mark-paid`, body: { reference: '   ' }, status: 422 },
    { name: 'mark-paid: reference 201 chars', method: 'POST', path: `/v1/payouts/${s.payoutId}/mark-paid`, body: { reference: long(201) }, status: 422 },
    { name: 'mark-paid: numeric reference', method: 'POST', path: `/v1/payouts/${s.payoutId}/mark-paid`, body: { reference: 42 }, status: 422 },
    { name: 'mark-paid: invalid JSON', method: 'POST', path: `/v1/payouts/${s.payoutId}/mark-paid`, raw: "{'reference':'x'}", status: 400 },
    { name: 'mark-paid: unknown payout', method: 'POST', path: '/v1/payouts/pay_nope/mark-paid', body: { reference: 'SEPA-1' }, status: 404 },
    { name: 'mark-paid: read-only key', method: 'POST', path: `/v1/payouts/${s.payoutId}/mark-paid`, body: { reference: 'SEPA-1' }, auth: 'readonly', status: 403 },
    { name: 'cancel: reason 501 chars', method: 'POST', path: `/v1/payouts/${s.payoutId}/cancel`, body: { reason: long(501) }, status: 422 },
    { name: 'cancel: numeric reason', method: 'POST', path: `/v1/payouts/${s.payoutId}/cancel`, body: { reason: 42 }, status: 422 },
    { name: 'cancel: unknown field', method: 'POST', path: `/v1/payouts/${s.payoutId}/cancel`, body: { why: 'x' }, status: 422 },
    { name: 'cancel: invalid JSON', method: 'POST', path: `/v1/payouts/${s.payoutId}/cancel`, raw: "{'reason':'x'}", status: 400 },
    { name: 'cancel: unknown payout', method: 'POST', path: '/v1/payouts/pay_nope/cancel', body: {}, status: 404 },
    { name: 'cancel: read-only key', method: 'POST', path: `/v1/payouts/${s.payoutId}/cancel`, body: {}, auth: 'readonly', status: 403 },
    { name: 'payouts list: unknown status', method: 'GET', path: `/v1/programs/${P}/payouts?status=approved`, status: 422 },
    { name: 'jobs: no credentials', method: 'POST', path: '/v1/jobs/approve-commissions', auth: 'none', status: 401 },
    { name: 'jobs: read-only key', method: 'POST', path: '/v1/jobs/approve-commissions', auth: 'readonly', status: 403 },
    { name: 'jobs: GET not routed', method: 'GET', path: '/v1/jobs/approve-commissions', status: 404 },

    // ── Webhooks ─────────────────────────────────────────────────────────────────────────────
    { name: 'webhooks: http URL without WEBHOOKS_ALLOW_HTTP', method: 'POST', path: `/v1/programs/${P}/webhooks`, body: { url: 'http://hooks.test/x', events: ['sale.created'] }, status: 422 },
    { name: 'webhooks: credentials in URL', method: 'POST', path: `/v1/programs/${P}/webhooks`, body: { url: 'https://user:pw@hooks.test/x', events: ['sale.created'] }, status: 422 },
    { name: 'webhooks: empty credentials in URL', method: 'POST', path: `/v1/programs/${P}/webhooks`, body: { url: 'https://@hooks.test/x', events: ['sale.created'] }, status: 422 },
    { name: 'webhooks: URL 2,049 chars', method: 'POST', path: `/v1/programs/${P}/webhooks`, body: { url: `https://hooks.test/${'a'.repeat(2049 - 'https://hooks.test/'.length)}`, events: ['sale.created'] }, status: 422 },
    { name: 'webhooks: javascript URL', method: 'POST', path: `/v1/programs/${P}/webhooks`, body: { url: 'javascript:alert(1)', events: ['sale.created'] }, status: 422 },
    { name: 'webhooks: backslash URL', method: 'POST', path: `/v1/programs/${P}/webhooks`, body: { url: 'https://hooks.test\\@evil.test/', events: ['sale.created'] }, status: 422 },
    { name: 'webhooks: newline in URL', method: 'POST', path: `/v1/programs/${P}/webhooks`, body: { url: 'https://hooks.test/\nx', events: ['sale.created'] }, status: 422 },
    { name: 'webhooks: no events', method: 'POST', path: `/v1/programs/${P}/webhooks`, body: { url: 'https://hooks.test/x', events: [] }, status: 422 },
    { name: 'webhooks: unknown event', method: 'POST', path: `/v1/programs/${P}/webhooks`, body: { url: 'https://hooks.test/x', events: ['sale.deleted'] }, status: 422 },
    { name: 'webhooks: events a string', method: 'POST', path: `/v1/programs/${P}/webhooks`, body: { url: 'https://hooks.test/x', events: 'sale.created' }, status: 422 },
    { name: 'webhooks: active a string', method: 'POST', path: `/v1/programs/${P}/webhooks`, body: { url: 'https://hooks.test/x', events: ['sale.created'], active: 'yes' }, status: 422 },
    { name: 'webhooks: description 501 chars', method: 'POST', path: `/v1/programs/${P}/webhooks`, body: { url: 'https://hooks.test/x', events: ['sale.created'], description: long(501) }, status: 422 },
    { name: 'webhooks: a secret sent in', method: 'POST', path: `/v1/programs/${P}/webhooks`, body: { url: 'https://hooks.test/x', events: ['sale.created'], secret: 'whsec_mine' }, status: 422 },
    { name: 'webhooks: invalid JSON', method: 'POST', path: `/v1/programs/${P}/webhooks`, raw: "{'url':'x'}", status: 400 },
    { name: 'webhooks: unknown program', method: 'POST', path: '/v1/programs/prg_nope/webhooks', body: { url: 'https://hooks.test/x', events: ['sale.created'] }, status: 404 },
    { name: 'webhooks: read-only key', method: 'POST', path: `/v1/programs/${P}/webhooks`, body: { url: 'https://hooks.test/x', events: ['sale.created'] }, auth: 'readonly', status: 403 },
    { name: 'webhooks: no credentials', method: 'GET', path: `/v1/programs/${P}/webhooks`, auth: 'none', status: 401 },
    { name: 'webhooks: list limit 0', method: 'GET', path: `/v1/programs/${P}/webhooks?limit=0`, status: 422 },
    { name: 'webhook: GET unknown', method: 'GET', path: '/v1/webhooks/whk_nope', status: 404 },
    { name: 'webhook: GET traversal', method: 'GET', path: `/v1/webhooks/${enc('../programs')}`, status: 404 },
    { name: 'webhook: PATCH empty body', method: 'PATCH', path: '/v1/webhooks/whk_nope', body: {}, status: 422 },
    { name: 'webhook: PATCH ftp URL', method: 'PATCH', path: '/v1/webhooks/whk_nope', body: { url: 'ftp://hooks.test/' }, status: 422 },
    { name: 'webhook: PATCH unknown', method: 'PATCH', path: '/v1/webhooks/whk_nope', body: { active: false }, status: 404 },
    { name: 'webhook: DELETE unknown', method: 'DELETE', path: '/v1/webhooks/whk_nope', status: 404 },
    { name: 'webhook: rotate unknown', method: 'POST', path: '/v1/webhooks/whk_nope/rotate-secret', status: 404 },
    { name: 'webhook: deliveries unknown status', method: 'GET', path: '/v1/webhooks/whk_nope/deliveries?status=sent', status: 422 },
    { name: 'webhook: deliveries unknown webhook', method: 'GET', path: '/v1/webhooks/whk_nope/deliveries', status: 404 },
    { name: 'webhook: retry unknown delivery', method: 'POST', path: '/v1/webhooks/whk_nope/deliveries/whd_nope/retry', status: 404 },

    // ── Commissions, events, balance ─────────────────────────────────────────────────────────
    { name: 'commissions: bad status', method: 'GET', path: `/v1/programs/${P}/commissions?status=bogus`, status: 422 },
    { name: 'commissions: partnerId 65 chars', method: 'GET', path: `/v1/programs/${P}/commissions?partnerId=${long(65)}`, status: 422 },
    { name: 'commissions: limit -1', method: 'GET', path: `/v1/programs/${P}/commissions?limit=-1`, status: 422 },
    { name: 'commissions: cursor garbage', method: 'GET', path: `/v1/programs/${P}/commissions?cursor=${enc('%%%')}`, status: 422 },
    { name: 'commissions: duplicate status', method: 'GET', path: `/v1/programs/${P}/commissions?status=paid&status=approved`, status: 422 },
    { name: 'commissions: read-only key', method: 'GET', path: `/v1/programs/${P}/commissions`, auth: 'readonly', status: 403 },
    { name: 'events: programId 65 chars', method: 'GET', path: `/v1/events?programId=${long(65)}`, status: 422 },
    { name: 'events: customerExternalId 201 chars', method: 'GET', path: `/v1/events?programId=${P}&customerExternalId=${long(201)}`, status: 422 },
    { name: 'events: limit 1e9', method: 'GET', path: '/v1/events?limit=1e9', status: 422 },
    { name: 'events: cursor with huge time', method: 'GET', path: `/v1/events?cursor=${b64('1234567890123456:evt_x')}`, status: 422 },
    { name: 'events: no credentials', method: 'GET', path: '/v1/events', auth: 'none', status: 401 },
    { name: 'balance: unknown partner', method: 'GET', path: '/v1/partners/ptn_nope/balance', status: 404 },
    { name: 'balance: traversal partner', method: 'GET', path: `/v1/partners/${enc('../programs')}/balance`, status: 404 },

    // ── Reports ──────────────────────────────────────────────────────────────────────────────
    { name: 'report: Feb 30', method: 'GET', path: `/v1/programs/${P}/report?from=2026-02-30`, status: 422 },
    { name: 'report: from not a date', method: 'GET', path: `/v1/programs/${P}/report?from=yesterday`, status: 422 },
    { name: 'report: ISO date-time instead of day', method: 'GET', path: `/v1/programs/${P}/report?from=2026-03-01T00:00:00Z`, status: 422 },
    { name: 'report: to before from', method: 'GET', path: `/v1/programs/${P}/report?from=2026-03-10&to=2026-03-01`, status: 422 },
    { name: 'report: range too long', method: 'GET', path: `/v1/programs/${P}/report?from=2000-01-01&to=2026-01-01`, status: 422 },
    { name: 'report: year 275760', method: 'GET', path: `/v1/programs/${P}/report?to=${enc('+275760-09-13')}`, status: 422 },
    { name: 'report: bad groupBy', method: 'GET', path: `/v1/programs/${P}/report?groupBy=hour`, status: 422 },
    { name: 'report: sql-ish groupBy', method: 'GET', path: `/v1/programs/${P}/report?groupBy=${enc('day; DROP TABLE clicks')}`, status: 422 },
    { name: 'report: bad format', method: 'GET', path: `/v1/programs/${P}/report?format=xml`, status: 422 },
    { name: 'report: unknown partner', method: 'GET', path: `/v1/programs/${P}/report?partnerId=ptn_nope`, status: 404 },
    { name: "report: another program's partner", method: 'GET', path: `/v1/programs/${s.otherProgramId}/report?partnerId=${PTN}`, status: 404 },
    { name: 'report: partnerId 65 chars', method: 'GET', path: `/v1/programs/${P}/report?partnerId=${long(65)}`, status: 422 },
    { name: 'report: campaign 101 chars', method: 'GET', path: `/v1/programs/${P}/report?campaign=${long(101)}`, status: 422 },
    { name: 'report: duplicate from', method: 'GET', path: `/v1/programs/${P}/report?from=2026-03-01&from=2026-03-02`, status: 422 },
    { name: 'report: read-only key', method: 'GET', path: `/v1/programs/${P}/report`, auth: 'readonly', status: 403 },
    { name: 'leaderboard: bad metric', method: 'GET', path: `/v1/programs/${P}/leaderboard?metric=clicks`, status: 422 },
    { name: 'leaderboard: limit 0', method: 'GET', path: `/v1/programs/${P}/leaderboard?limit=0`, status: 422 },
    { name: 'leaderboard: limit 101', method: 'GET', path: `/v1/programs/${P}/leaderboard?limit=101`, status: 422 },
    { name: 'leaderboard: limit abc', method: 'GET', path: `/v1/programs/${P}/leaderboard?limit=abc`, status: 422 },
    { name: 'leaderboard: bad from', method: 'GET', path: `/v1/programs/${P}/leaderboard?from=2026-1-1`, status: 422 },
    { name: 'kpis: bad to', method: 'GET', path: `/v1/programs/${P}/kpis?to=2026-02-29`, status: 422 },
    { name: 'kpis: to before from', method: 'GET', path: `/v1/programs/${P}/kpis?from=2026-03-02&to=2026-03-01`, status: 422 },
    { name: 'kpis: NUL in from', method: 'GET', path: `/v1/programs/${P}/kpis?from=2026-03-01%00`, status: 422 },

    // ── Partner tokens ───────────────────────────────────────────────────────────────────────
    { name: 'token: negative ttl', method: 'POST', path: `/v1/partners/${PTN}/tokens`, body: { ttlSeconds: -1 }, status: 422 },
    { name: 'token: ttl string', method: 'POST', path: `/v1/partners/${PTN}/tokens`, body: { ttlSeconds: 'abc' }, status: 422 },
    { name: 'token: ttl 1e308', method: 'POST', path: `/v1/partners/${PTN}/tokens`, raw: '{"ttlSeconds":1e308}', status: 422 },
    { name: 'token: float ttl', method: 'POST', path: `/v1/partners/${PTN}/tokens`, body: { ttlSeconds: 3600.5 }, status: 422 },
    { name: 'token: unknown field', method: 'POST', path: `/v1/partners/${PTN}/tokens`, body: { sub: s.otherPartnerId }, status: 422 },
    { name: 'token: body array', method: 'POST', path: `/v1/partners/${PTN}/tokens`, raw: '[]', status: 422 },
    { name: 'token: unknown partner', method: 'POST', path: '/v1/partners/ptn_nope/tokens', body: {}, status: 404 },
    { name: 'token: suspended partner', method: 'POST', path: `/v1/partners/${s.suspendedPartnerId}/tokens`, body: {}, status: 422 },
    { name: 'token: read-only key', method: 'POST', path: `/v1/partners/${PTN}/tokens`, body: {}, auth: 'readonly', status: 403 },
    { name: 'token: partner token mints tokens', method: 'POST', path: `/v1/partners/${PTN}/tokens`, body: {}, auth: 'partner', status: 401 },

    // ── Partner API /v1/me ───────────────────────────────────────────────────────────────────
    { name: 'me: no token', method: 'GET', path: '/v1/me', auth: 'none', status: 401 },
    { name: 'me: garbage token', method: 'GET', path: '/v1/me', auth: { bearer: 'garbage' }, status: 401 },
    { name: 'me: admin key', method: 'GET', path: '/v1/me', auth: { bearer: ADMIN_KEY }, status: 401 },
    { name: 'me: suspended partner token', method: 'GET', path: '/v1/me', auth: 'suspended', status: 401 },
    { name: 'me: three dots', method: 'GET', path: '/v1/me', auth: { bearer: 'a.b.c' }, status: 401 },
    {
      name: 'me: alg none token',
      method: 'GET',
      path: '/v1/me',
      auth: { bearer: handToken({ alg: 'none', typ: 'reflink-partner+jwt' }, { iss: 'reflink', aud: 'reflink:partner', sub: PTN, pid: P, iat: T0_SECONDS, exp: T0_SECONDS + 3600 }) },
      status: 401,
    },
    { name: 'me: 300-char token', method: 'GET', path: '/v1/me/balance', auth: { bearer: long(300) }, status: 401 },
    { name: 'me/links: limit 0', method: 'GET', path: '/v1/me/links?limit=0', ...valid, status: 422 },
    { name: 'me/links: cursor garbage', method: 'GET', path: `/v1/me/links?cursor=${b64('garbage')}`, ...valid, status: 422 },
    { name: 'me/links: javascript url', method: 'POST', path: '/v1/me/links', body: { url: 'javascript:alert(1)' }, ...valid, status: 422 },
    { name: 'me/links: host not allowed', method: 'POST', path: '/v1/me/links', body: { url: 'https://evil.test/' }, ...valid, status: 422 },
    { name: 'me/links: reserved code', method: 'POST', path: '/v1/me/links', body: { code: 'api' }, ...valid, status: 422 },
    { name: 'me/links: taken code', method: 'POST', path: '/v1/me/links', body: { code: s.linkCode }, ...valid, status: 409 },
    { name: 'me/links: body null', method: 'POST', path: '/v1/me/links', raw: 'null', ...valid, status: 422 },
    { name: 'me/links: invalid JSON', method: 'POST', path: '/v1/me/links', raw: '{"url":}', ...valid, status: 400 },
    { name: 'me/links: 1 MB body', method: 'POST', path: '/v1/me/links', raw: JSON.stringify({ url: `https://acme.test/${long(MB)}` }), ...valid, status: 413 },
    { name: 'me/links: suspended partner', method: 'POST', path: '/v1/me/links', body: { url: 'https://acme.test/' }, auth: 'suspended', status: 401 },
    { name: 'me/commissions: bad status', method: 'GET', path: '/v1/me/commissions?status=bogus', ...valid, status: 422 },
    { name: 'me/payouts: limit abc', method: 'GET', path: '/v1/me/payouts?limit=abc', ...valid, status: 422 },
    { name: "me/report: another partner's id", method: 'GET', path: `/v1/me/report?partnerId=${s.otherPartnerId}`, ...valid, status: 404 },
    { name: 'me/report: bad groupBy', method: 'GET', path: '/v1/me/report?groupBy=bogus', ...valid, status: 422 },
    { name: 'me/report: Feb 30', method: 'GET', path: '/v1/me/report?from=2026-02-30', ...valid, status: 422 },
    { name: 'me/balance: garbage token', method: 'GET', path: '/v1/me/balance', auth: { bearer: 'x.y.z' }, status: 401 },

    // ── Portal (HTML) ────────────────────────────────────────────────────────────────────────
    { name: 'portal login: empty token', method: 'GET', path: '/portal/login?token=', auth: 'none', status: 401, kind: 'html' },
    { name: 'portal login: garbage token', method: 'GET', path: '/portal/login?token=garbage', auth: 'none', status: 401, kind: 'html' },
    { name: 'portal login: 300-char token', method: 'GET', path: `/portal/login?token=${long(300)}`, auth: 'none', status: 401, kind: 'html' },
    { name: 'portal login: NUL token', method: 'GET', path: '/portal/login?token=%00', auth: 'none', status: 401, kind: 'html' },
    { name: 'portal login: admin key', method: 'GET', path: `/portal/login?token=${ADMIN_KEY}`, auth: 'none', status: 401, kind: 'html' },
    { name: 'portal login: suspended token', method: 'GET', path: `/portal/login?token=${s.suspendedToken}`, auth: 'none', status: 401, kind: 'html' },
    { name: 'portal login: sql-ish token', method: 'GET', path: `/portal/login?token=${enc(sqlish)}`, auth: 'none', status: 401, kind: 'html' },
    { name: 'portal: garbage cookie', method: 'GET', path: '/portal', auth: 'none', cookie: 'garbage', status: 401, kind: 'html' },
    { name: 'portal: report.csv without session', method: 'GET', path: '/portal/report.csv?days=abc', auth: 'none', status: 401, kind: 'html' },
    { name: 'portal links: no session', method: 'POST', path: '/portal/links', auth: 'none', form: { url: 'https://acme.test/' }, status: 401, kind: 'html' },
    { name: 'portal links: suspended session', method: 'POST', path: '/portal/links', auth: 'none', cookie: 'suspended', form: { url: 'https://acme.test/' }, status: 401, kind: 'html' },
    { name: 'portal links: no csrf', method: 'POST', path: '/portal/links', auth: 'none', cookie: 'valid', form: { url: 'https://acme.test/' }, status: 403, kind: 'html' },
    { name: 'portal links: wrong csrf', method: 'POST', path: '/portal/links', auth: 'none', cookie: 'valid', form: { url: 'https://acme.test/', csrf: long(32, '0') }, status: 403, kind: 'html' },
    { name: 'portal links: cross-origin', method: 'POST', path: '/portal/links', auth: 'none', cookie: 'valid', form: { url: 'https://acme.test/', csrf: 'CSRF' }, headers: { origin: 'https://evil.test' }, status: 403, kind: 'html' },
    { name: 'portal links: javascript url', method: 'POST', path: '/portal/links', auth: 'none', cookie: 'valid', form: { url: 'javascript:alert(1)', csrf: 'CSRF' }, status: 422, kind: 'html' },
    { name: 'portal links: host not allowed', method: 'POST', path: '/portal/links', auth: 'none', cookie: 'valid', form: { url: 'https://evil.test/', csrf: 'CSRF' }, status: 422, kind: 'html' },
    { name: 'portal links: RTL override url', method: 'POST', path: '/portal/links', auth: 'none', cookie: 'valid', form: { url: 'https://acme.test\u202e.evil.test/', csrf: 'CSRF' }, status: 422, kind: 'html' },
    { name: 'portal links: 1 MB url', method: 'POST', path: '/portal/links', auth: 'none', cookie: 'valid', form: { url: `https://acme.test/${long(MB)}`, csrf: 'CSRF' }, status: 413, kind: 'html' },

    // ── Redirect GET /:code ──────────────────────────────────────────────────────────────────
    { name: 'redirect: 51-char code', method: 'GET', path: `/${long(51)}`, auth: 'none', status: 404 },
    { name: 'redirect: 300-char code', method: 'GET', path: `/${long(300)}`, auth: 'none', status: 404 },
    { name: 'redirect: unknown code', method: 'GET', path: '/nope-nope', auth: 'none', status: 404, kind: 'html' },
    { name: 'redirect: NUL in code', method: 'GET', path: '/ab%00', auth: 'none', status: 404 },
    { name: 'redirect: emoji code', method: 'GET', path: `/${enc('😀')}`, auth: 'none', status: 404 },
    { name: 'redirect: leading dash', method: 'GET', path: '/-abc', auth: 'none', status: 404 },
    { name: 'redirect: encoded traversal', method: 'GET', path: `/${enc('../../etc/passwd')}`, auth: 'none', status: 404 },
    { name: 'redirect: sql-ish code', method: 'GET', path: `/${enc("jane' OR '1'='1")}`, auth: 'none', status: 404 },
    { name: 'redirect: RTL override after code', method: 'GET', path: `/${s.linkCode}${enc('\u202e')}`, auth: 'none', status: 404 },
    { name: 'redirect: zero-width inside code', method: 'GET', path: `/ja${enc('\u200b')}ne`, auth: 'none', status: 404 },
    { name: 'redirect: lone surrogate bytes', method: 'GET', path: '/%ED%A0%80', auth: 'none', status: 404 },
    { name: 'redirect: code with trailing slash segment', method: 'GET', path: `/${s.linkCode}/x`, auth: 'none', status: 404 },
  ];
}

async function send(h: PartnerApp, s: Seed, c: Case): Promise<Response> {
  const headers: Record<string, string> = {};
  const auth = c.auth ?? 'admin';
  if (auth === 'admin') headers.authorization = `Bearer ${ADMIN_KEY}`;
  else if (auth === 'readonly') headers.authorization = `Bearer ${s.readonlyKey}`;
  else if (auth === 'partner') headers.authorization = `Bearer ${s.partnerToken}`;
  else if (auth === 'suspended') headers.authorization = `Bearer ${s.suspendedToken}`;
  else if (auth !== 'none') headers.authorization = 'bearer' in auth ? `Bearer ${auth.bearer}` : auth.header;
  if (c.cookie) headers.cookie = `__Host-rl_portal=${c.cookie === 'valid' ? s.partnerToken : c.cookie === 'suspended' ? s.suspendedToken : c.cookie}`;
  let body: string | undefined;
  if (c.form) {
    const csrf = await csrfTokenOf(s.partnerToken);
    const form = Object.fromEntries(Object.entries(c.form).map(([k, v]) => [k, k === 'csrf' && v === 'CSRF' ? csrf : v]));
    body = new URLSearchParams(form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (c.bytes) {
    headers['content-type'] = 'application/json';
    Object.assign(headers, c.headers);
    return h.app.request(`http://ref.test${c.path}`, { method: c.method, headers, body: c.bytes });
  } else if (c.raw !== undefined || c.body !== undefined) {
    body = c.raw ?? JSON.stringify(c.body);
    headers['content-type'] = 'application/json';
  }
  Object.assign(headers, c.headers);
  return h.app.request(`http://ref.test${c.path}`, { method: c.method, headers, body });
}

describe('bad input across every endpoint: 4xx in the one error shape, nothing written', () => {
  it('answers each hostile request with the expected 4xx and writes no row', { timeout: 60_000 }, async () => {
    const h = await makePartnerApp();
    const s = await seed(h);
    const tables = await tableNames(h.t);
    expect(tables).toEqual(expect.arrayContaining(['programs', 'partners', 'links', 'clicks', 'customers', 'events', 'commissions', 'payouts', 'rewards', 'reward_counters', 'api_keys']));
    const before = await fullSnapshot(h.t, tables);
    const table = cases(s);
    expect(table.length).toBeGreaterThanOrEqual(120);
    expect(new Set(table.map((c) => c.name)).size, 'case names are unique').toBe(table.length);

    const failures: string[] = [];
    let counts = await rowCounts(h.t, tables);
    for (const c of table) {
      const label = `${c.name} (${c.method} ${c.path.slice(0, 80)})`;
      const res = await send(h, s, c);
      const text = await res.text();
      const after = await rowCounts(h.t, tables);
      try {
        expect(res.status, `${label}: ${text.slice(0, 300)}`).toBe(c.status);
        if (c.kind === 'html') {
          expect(res.headers.get('content-type'), label).toMatch(/^text\/html/);
        } else {
          expect(res.headers.get('content-type'), label).toMatch(/^application\/json/);
          expectErrorShape(label, JSON.parse(text), c.code ?? defaultCodeOf(c.status), res);
        }
        expect(after, `${label}: row counts changed`).toEqual(counts);
      } catch (err) {
        failures.push((err as Error).message.split('\n')[0]!);
      }
      counts = after;
    }
    expect(failures, failures.join('\n')).toEqual([]);

    await h.t.close(); // drain the click buffer: a refused redirect must not have queued a click
    expect(await fullSnapshot(h.t, tables)).toEqual(before);
  });

  it('accepts metadata nested up to the limit (16 levels), so the depth guard only refuses abuse', async () => {
    const h = await makePartnerApp();
    const s = await seed(h);
    const body = `{"programId":"${s.programId}","customerExternalId":"cus_1","externalId":"ord_deep","amount":100,"currency":"EUR","metadata":{"x":${nested(15)}}}`;
    const r = await h.admin('POST', '/v1/track/sale', body);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const replay = await h.admin('POST', '/v1/track/sale', body);
    expect(replay.body.event.id).toBe(r.body.event.id);
  });
});
