import { beforeEach, describe, expect, it } from 'vitest';
import { portalSignIn } from '../helpers/portal-sign-in';
import { JWT_SECRET, createPartner, createProgram, expectUnauthorized, hsToken, issueToken, makePartnerApp, ok, validClaims, type PartnerApp } from '../me/helpers';

let h: PartnerApp;
let program: any;
let jane: any;
let max: any;
beforeEach(async () => {
  h = await makePartnerApp();
  program = await createProgram(h);
  jane = await createPartner(h, program.id, 'Jane Doe', 'jane@partner.test', 'JANE');
  max = await createPartner(h, program.id, 'Max Roe', 'max@partner.test', 'MAX');
});

const signIn = (token: string) => portalSignIn((path, init) => h.app.request(path, init), token);

describe('revoking partner tokens', () => {
  it('admin revoke: every earlier token of that partner (API and portal session) stops at once; later ones and other partners are untouched', async () => {
    const a = await issueToken(h, jane.id);
    const b = await issueToken(h, jane.id);
    const other = await issueToken(h, max.id);
    const cookie = await signIn(a);
    expect((await h.app.request('/portal', { headers: { cookie } })).status).toBe(200);

    const r = await h.admin('POST', `/v1/partners/${jane.id}/tokens/revoke`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ partnerId: jane.id, revoked: true });

    expectUnauthorized(await h.as(a)('GET', '/v1/me'), 'token a');
    expectUnauthorized(await h.as(b)('GET', '/v1/me'), 'token b');
    expect((await h.app.request('/portal', { headers: { cookie } })).status).not.toBe(200);
    expect((await ok(h.as(other)('GET', '/v1/me'))).id).toBe(max.id);

    const fresh = await issueToken(h, jane.id);
    expect((await ok(h.as(fresh)('GET', '/v1/me'))).id).toBe(jane.id);
    // A second revocation counts too.
    await ok(h.admin('POST', `/v1/partners/${jane.id}/tokens/revoke`));
    expectUnauthorized(await h.as(fresh)('GET', '/v1/me'), 'fresh after second revoke');
  });

  it('an Idempotency-Key replay with a revoked token is 401, not the stored answer', async () => {
    const a = await issueToken(h, jane.id);
    const headers = { 'idempotency-key': 'link-1' };
    const first = await h.as(a)('POST', '/v1/me/links', { url: 'https://shop.acme.test/x1' }, headers);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const again = await h.as(a)('POST', '/v1/me/links', { url: 'https://shop.acme.test/x1' }, headers);
    expect([again.status, again.res.headers.get('idempotent-replayed')]).toEqual([201, 'true']);
    await ok(h.admin('POST', `/v1/partners/${jane.id}/tokens/revoke`));
    const replay = await h.as(a)('POST', '/v1/me/links', { url: 'https://shop.acme.test/x1' }, headers);
    expectUnauthorized(replay, 'replay after revoke');
    expect(replay.res.headers.get('idempotent-replayed')).toBeNull();
  });

  it('a partner signs out everywhere with POST /v1/me/tokens/revoke, its own tokens only', async () => {
    const a = await issueToken(h, jane.id);
    const b = await issueToken(h, jane.id);
    const other = await issueToken(h, max.id);
    const r = await h.as(a)('POST', '/v1/me/tokens/revoke');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ partnerId: jane.id, revoked: true });
    expectUnauthorized(await h.as(a)('GET', '/v1/me'), 'the calling token');
    expectUnauthorized(await h.as(b)('GET', '/v1/me'), 'another token');
    expectUnauthorized(await h.as(a)('POST', '/v1/me/tokens/revoke'), 'revoked token revoking again');
    expect((await ok(h.as(other)('GET', '/v1/me'))).id).toBe(max.id);
  });

  it('tokens issued before token generations existed (no gen claim) work until the first revocation', async () => {
    const legacy = await hsToken(JWT_SECRET, validClaims({ id: jane.id, programId: program.id }));
    expect((await ok(h.as(legacy)('GET', '/v1/me'))).id).toBe(jane.id);
    await ok(h.admin('POST', `/v1/partners/${jane.id}/tokens/revoke`));
    expectUnauthorized(await h.as(legacy)('GET', '/v1/me'), 'legacy token');
  });

  it('refuses a token whose gen claim is not a non-negative integer, or names a generation the partner is not at', async () => {
    for (const gen of [-1, 1.5, '0', null, 1]) {
      const t = await hsToken(JWT_SECRET, validClaims({ id: jane.id, programId: program.id }, { gen }));
      expectUnauthorized(await h.as(t)('GET', '/v1/me'), `gen ${JSON.stringify(gen)}`);
    }
  });

  it('admin revoke: unknown partner is 404, a partner token is 401, nothing changes', async () => {
    const r = await h.admin('POST', '/v1/partners/ptn_nope/tokens/revoke');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
    const token = await issueToken(h, jane.id);
    expectUnauthorized(await h.as(token)('POST', `/v1/partners/${max.id}/tokens/revoke`), 'partner token on admin route');
    expect((await ok(h.as(await issueToken(h, max.id))('GET', '/v1/me'))).id).toBe(max.id);
    expect((await ok(h.as(token)('GET', '/v1/me'))).id).toBe(jane.id);
  });
});
