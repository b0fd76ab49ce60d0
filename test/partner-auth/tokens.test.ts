import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY } from '../helpers/app';
import { expectApiError } from '../foundation/support';
import {
  DAY_SECONDS,
  JWT_SECRET,
  T0,
  T0_SECONDS,
  TOKEN_TYPE,
  createPartner,
  createProgram,
  expectUnauthorized,
  handToken,
  hsToken,
  issueToken,
  makePartnerApp,
  ok,
  validClaims,
  type PartnerApp,
} from '../me/helpers';

let h: PartnerApp;
let program: any;
let partner: any;
beforeEach(async () => {
  h = await makePartnerApp();
  program = await createProgram(h);
  partner = await createPartner(h, program.id, 'Jane Doe', 'jane@partner.test', 'JANE');
});

describe('POST /v1/partners/:id/tokens — happy', () => {
  it('issues an HS256 partner token valid for 7 days by default, with a portal URL', async () => {
    const r = await h.admin('POST', `/v1/partners/${partner.id}/tokens`, {});
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(Object.keys(r.body).sort()).toEqual(['expiresAt', 'portalUrl', 'token', 'tokenId']);
    expect(r.body.expiresAt).toBe('2026-03-08T12:00:00.000Z');
    // The token after `#`: browsers never send a fragment, so no proxy, CDN or server log records it.
    expect(r.body.portalUrl).toBe(`https://ref.test/portal/login#token=${r.body.token}`);
    expect(r.res.headers.get('cache-control')).toBe('no-store');

    expect(decodeProtectedHeader(r.body.token)).toEqual({ alg: 'HS256', typ: TOKEN_TYPE });
    const claims = decodeJwt(r.body.token);
    expect(claims).toEqual({
      iss: 'reflink',
      aud: 'reflink:partner',
      sub: partner.id,
      pid: program.id,
      gen: 0,
      iat: T0_SECONDS,
      exp: T0_SECONDS + 7 * DAY_SECONDS,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    // Independently verifiable with the configured secret.
    const verified = await jwtVerify(r.body.token, new TextEncoder().encode(JWT_SECRET), { algorithms: ['HS256'], currentDate: T0 });
    expect(verified.payload.sub).toBe(partner.id);
  });

  it('the token signs the partner in to GET /v1/me', async () => {
    const token = await issueToken(h, partner.id);
    const me = await ok(h.as(token)('GET', '/v1/me'));
    expect(me).toEqual({
      id: partner.id,
      programId: program.id,
      name: 'Jane Doe',
      email: 'jane@partner.test',
      externalId: null,
      code: 'JANE',
      payoutMethod: null,
      payoutDetails: null,
      payoutDetailsUpdatedAt: null,
      status: 'active',
      createdAt: T0.toISOString(),
      updatedAt: T0.toISOString(),
      program: { id: program.id, name: 'Acme referrals', currency: 'EUR' },
    });
  });

  it('takes ttlSeconds from 60 to 30 days; every token has its own jti', async () => {
    const short = await ok(h.admin('POST', `/v1/partners/${partner.id}/tokens`, { ttlSeconds: 60 }), 201);
    expect(short.expiresAt).toBe('2026-03-01T12:01:00.000Z');
    const long = await ok(h.admin('POST', `/v1/partners/${partner.id}/tokens`, { ttlSeconds: 30 * DAY_SECONDS }), 201);
    expect(long.expiresAt).toBe('2026-03-31T12:00:00.000Z');
    expect(decodeJwt(short.token).jti).not.toBe(decodeJwt(long.token).jti);
  });

  it('accepts a key with programs:write and ledger:read; a POST without a body uses the default ttl', async () => {
    const key = (await ok(h.admin('POST', '/v1/api-keys', { name: 'portal', scopes: ['programs:write', 'ledger:read'] }), 201)).key;
    const res = await h.app.request(`/v1/partners/${partner.id}/tokens`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(201);
    expect(((await res.json()) as any).expiresAt).toBe('2026-03-08T12:00:00.000Z');
  });
});

describe('POST /v1/partners/:id/tokens — errors', () => {
  it.each([
    [{ ttlSeconds: 59 }],
    [{ ttlSeconds: 30 * DAY_SECONDS + 1 }],
    [{ ttlSeconds: 90.5 }],
    [{ ttlSeconds: '3600' }],
  ])('ttl out of range or not an integer %j → 422 ttlSeconds', async (body) => {
    expectApiError(await h.admin('POST', `/v1/partners/${partner.id}/tokens`, body), 422, 'validation_failed', 'ttlSeconds');
  });

  it('unknown fields → 422; invalid JSON → 400', async () => {
    expectApiError(await h.admin('POST', `/v1/partners/${partner.id}/tokens`, { partnerId: 'ptn_x' }), 422, 'validation_failed', 'partnerId');
    expectApiError(await h.admin('POST', `/v1/partners/${partner.id}/tokens`, '{"ttlSeconds":'), 400, 'invalid_json');
  });

  it('unknown partner → 404', async () => {
    expectApiError(await h.admin('POST', '/v1/partners/ptn_00000000000000000000/tokens', {}), 404, 'not_found');
  });

  it('a suspended partner gets no token → 422 partner_suspended', async () => {
    await ok(h.admin('PATCH', `/v1/partners/${partner.id}`, { status: 'suspended' }));
    const r = await h.admin('POST', `/v1/partners/${partner.id}/tokens`, {});
    expectApiError(r, 422, 'validation_failed');
    expect(r.body.error.reason).toBe('partner_suspended');
  });

  it('without credentials → 401; a key without programs:write or without ledger:read → 403; a partner token → 401', async () => {
    expectUnauthorized(await h.as(null)('POST', `/v1/partners/${partner.id}/tokens`, {}));
    const readKey = (await ok(h.admin('POST', '/v1/api-keys', { name: 'ro', scopes: ['programs:read'] }), 201)).key;
    expectApiError(await h.as(readKey)('POST', `/v1/partners/${partner.id}/tokens`, {}), 403, 'forbidden');
    // A token reads the partner's ledger: programs:write alone must not mint one.
    const writeKey = (await ok(h.admin('POST', '/v1/api-keys', { name: 'w', scopes: ['programs:write'] }), 201)).key;
    const noLedger = await h.as(writeKey)('POST', `/v1/partners/${partner.id}/tokens`, {});
    expectApiError(noLedger, 403, 'forbidden');
    expect(noLedger.body.error.message).toBe('This key lacks the ledger:read scope');
    const token = await issueToken(h, partner.id);
    expectUnauthorized(await h.as(token)('POST', `/v1/partners/${partner.id}/tokens`, {}));
  });

  it('not configured (no JWT_SECRET, no JWT_PRIVATE_KEY) → 403 naming JWT_SECRET; no token verifies', async () => {
    const bare = await makePartnerApp({ env: { JWT_SECRET: undefined } });
    const p = await createProgram(bare);
    const ptn = await createPartner(bare, p.id, 'Jane', 'jane@partner.test');
    const r = await bare.admin('POST', `/v1/partners/${ptn.id}/tokens`, {});
    expectApiError(r, 403, 'forbidden');
    expect(r.body.error.message).toBe('partner sign-in is not configured: set JWT_SECRET');
    // A token minted elsewhere with some secret means nothing here.
    expectUnauthorized(await bare.as(await hsToken(JWT_SECRET, validClaims(ptn)))('GET', '/v1/me'));
  });
});

describe('partner token verification — refusals (401)', () => {
  const me = (token: string | null, headers: Record<string, string> = {}) => h.as(token)('GET', '/v1/me', undefined, headers);

  it('a hand-made valid token passes (the baseline for the cases below)', async () => {
    expect((await me(await hsToken(JWT_SECRET, validClaims(partner)))).status).toBe(200);
  });

  it('missing, malformed or non-Bearer credentials', async () => {
    expectUnauthorized(await me(null), 'none');
    expectUnauthorized(await me('not-a-jwt'), 'garbage');
    expectUnauthorized(await me('a.b.c'), 'three dots');
    const token = await issueToken(h, partner.id);
    expectUnauthorized(await h.as(null)('GET', '/v1/me', undefined, { authorization: `Basic ${token}` }), 'Basic');
    expectUnauthorized(await h.as(null)('GET', '/v1/me', undefined, { authorization: token }), 'no scheme');
    expectUnauthorized(await me(`${token}${'A'.repeat(3000)}`), 'oversized');
  });

  it('expired: accepted one second before exp, refused at exp and after', async () => {
    const token = await issueToken(h, partner.id, { ttlSeconds: 60 });
    h.t.advance(59_000);
    expect((await me(token)).status).toBe(200);
    h.t.advance(1_000);
    expectUnauthorized(await me(token), 'at exp');
    h.t.advance(86_400_000);
    expectUnauthorized(await me(token), 'a day later');
    expectUnauthorized(await me(await hsToken(JWT_SECRET, validClaims(partner, { iat: T0_SECONDS - 120, exp: T0_SECONDS - 60 }))), 'crafted');
  });

  it('tampered payload, tampered signature, another secret', async () => {
    const other = await createPartner(h, program.id, 'Other', 'other@partner.test');
    const token = await issueToken(h, partner.id);
    const [head, , sig] = token.split('.');
    const forgedPayload = handToken({ alg: 'HS256', typ: TOKEN_TYPE }, validClaims(other)).split('.')[1];
    expectUnauthorized(await me(`${head}.${forgedPayload}.${sig}`), 'payload swapped to another partner');
    const flipped = sig!.slice(0, -2) + (sig!.slice(-2) === 'AA' ? 'BA' : 'AA');
    expectUnauthorized(await me(`${head}.${token.split('.')[1]}.${flipped}`), 'signature changed');
    expectUnauthorized(await me(`${head}.${token.split('.')[1]}.`), 'signature stripped');
    expectUnauthorized(await me(await hsToken('another-secret-0123456789abcdef-0123456789', validClaims(partner))), 'other secret');
  });

  it('alg none (by hand and in several spellings) is refused', async () => {
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      expectUnauthorized(await me(handToken({ alg, typ: TOKEN_TYPE }, validClaims(partner))), alg);
    }
    expectUnauthorized(await me(handToken({ typ: TOKEN_TYPE }, validClaims(partner))), 'no alg');
  });

  it('an HMAC algorithm other than the configured HS256 (same secret) is refused', async () => {
    expectUnauthorized(await me(await hsToken(JWT_SECRET, validClaims(partner), {}, 'HS512')), 'HS512');
    expectUnauthorized(await me(await hsToken(JWT_SECRET, validClaims(partner), {}, 'HS384')), 'HS384');
  });

  it.each([
    ['wrong audience', { aud: 'reflink:admin' }],
    ['audience array with ours in it', { aud: ['reflink:partner', 'reflink:admin'] }],
    ['wrong issuer', { iss: 'evil' }],
    ['no issuer', { iss: undefined }],
    ['no audience', { aud: undefined }],
    ['no exp', { exp: undefined }],
    ['no sub', { sub: undefined }],
    ['no iat', { iat: undefined }],
    ['no jti', { jti: undefined }],
    ['no pid', { pid: undefined }],
    ['sub not a partner id', { sub: 'key_00000000000000000000' }],
    ['iat in the future', { iat: T0_SECONDS + 600, exp: T0_SECONDS + DAY_SECONDS }],
    ['older than 30 days though not expired', { iat: T0_SECONDS - 31 * DAY_SECONDS, exp: T0_SECONDS + DAY_SECONDS }],
    ['exp not a number', { exp: String(T0_SECONDS + DAY_SECONDS) }],
  ])('%s', async (label, over) => {
    const claims: Record<string, unknown> = validClaims(partner, over);
    for (const k of Object.keys(claims)) if (claims[k] === undefined) delete claims[k];
    expectUnauthorized(await me(await hsToken(JWT_SECRET, claims)), label);
  });

  it('wrong or missing typ header', async () => {
    expectUnauthorized(await me(await hsToken(JWT_SECRET, validClaims(partner), { typ: 'JWT' })), 'typ JWT');
    expectUnauthorized(await me(await hsToken(JWT_SECRET, validClaims(partner), { typ: 'at+jwt' })), 'typ at+jwt');
    expectUnauthorized(await me(await hsToken(JWT_SECRET, validClaims(partner), { typ: undefined })), 'no typ');
  });

  it('a pid that is not the partner’s program, or an unknown partner', async () => {
    const other = await createProgram(h, { name: 'Other' });
    expectUnauthorized(await me(await hsToken(JWT_SECRET, validClaims({ id: partner.id, programId: other.id }))), 'pid of another program');
    expectUnauthorized(await me(await hsToken(JWT_SECRET, validClaims({ id: 'ptn_00000000000000000000', programId: program.id }))), 'unknown partner');
  });

  it('admin keys are not partner tokens: ADMIN_API_KEY and rk_ keys → 401 on /v1/me', async () => {
    expectUnauthorized(await me(ADMIN_KEY), 'ADMIN_API_KEY');
    const key = (await ok(h.admin('POST', '/v1/api-keys', { name: 'all', scopes: ['*'] }), 201)).key;
    expectUnauthorized(await me(key), 'rk_ key');
  });

  it('a partner suspended after issue is refused on every request; reactivated, the same token works again', async () => {
    const token = await issueToken(h, partner.id);
    expect((await me(token)).status).toBe(200);
    await ok(h.admin('PATCH', `/v1/partners/${partner.id}`, { status: 'suspended' }));
    for (const path of ['/v1/me', '/v1/me/links', '/v1/me/commissions', '/v1/me/payouts', '/v1/me/balance']) {
      expectUnauthorized(await h.as(token)('GET', path), path);
    }
    expectUnauthorized(await h.as(token)('POST', '/v1/me/links', { url: 'https://acme.test/x' }), 'POST /v1/me/links');
    await ok(h.admin('PATCH', `/v1/partners/${partner.id}`, { status: 'active' }));
    expect((await me(token)).status).toBe(200);
  });

  it('a partner token is refused by admin routes (it is not an admin key)', async () => {
    const token = await issueToken(h, partner.id);
    expectUnauthorized(await h.as(token)('GET', '/v1/programs'), 'GET /v1/programs');
    expectUnauthorized(await h.as(token)('GET', `/v1/partners/${partner.id}`), 'own partner via admin route');
  });
});
