import { beforeEach, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { portalSignIn, trySignIn } from '../helpers/portal-sign-in';
import { rawRows } from '../foundation/support';
import { runScheduledJobs } from '../../src/jobs/run-scheduled-jobs';
import { createPartner, createProgram, expectUnauthorized, makePartnerApp, ok, type PartnerApp } from '../me/helpers';

// One leaked token (or one browser's session) is revoked alone, by its jti (`tokenId`); the
// partner's other tokens keep working. Revocation rows go once the token they name has expired.

let h: PartnerApp;
let jane: any;
let max: any;
beforeEach(async () => {
  h = await makePartnerApp();
  const program = await createProgram(h);
  jane = await createPartner(h, program.id, 'Jane Doe', 'jane@partner.test', 'JANE');
  max = await createPartner(h, program.id, 'Max Roe', 'max@partner.test', 'MAX');
});

const send = (path: string, init?: RequestInit) => h.app.request(path, init);
const issue = async (partnerId: string, body: Record<string, unknown> = {}) => ok(h.admin('POST', `/v1/partners/${partnerId}/tokens`, body), 201);
const revokeOne = (partnerId: string, tokenId: string) => h.admin('POST', `/v1/partners/${partnerId}/tokens/${tokenId}/revoke`);
const revocations = async () => (await rawRows(h.t, 'revoked_partner_tokens')).map((r) => [r.partner_id, r.token_id, r.expires_at]);

describe('POST /v1/partners/:partnerId/tokens/:tokenId/revoke', () => {
  it('issuing a token answers its tokenId (the jti)', async () => {
    const issued = await issue(jane.id);
    expect(Object.keys(issued).sort()).toEqual(['expiresAt', 'portalUrl', 'token', 'tokenId']);
    expect(issued.tokenId).toBe(decodeJwt(issued.token).jti);
    expect(issued.tokenId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('that token is 401 on /v1/me and signed out of the portal at once; the partner’s other tokens and sessions still work', async () => {
    const leaked = await issue(jane.id);
    const kept = await issue(jane.id);
    const leakedCookie = await portalSignIn(send, leaked.token);
    const keptCookie = await portalSignIn(send, kept.token);

    const r = await revokeOne(jane.id, leaked.tokenId);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ partnerId: jane.id, tokenId: leaked.tokenId, revoked: true });

    expectUnauthorized(await h.as(leaked.token)('GET', '/v1/me'), 'revoked token');
    const portal = await send('/portal', { headers: { cookie: leakedCookie } });
    expect(portal.status).toBe(401);
    expect(await portal.text()).toContain('<h1>Please sign in</h1>');
    expect(await trySignIn(send, leaked.token)).toEqual({ status: 401, session: undefined });

    expect((await ok(h.as(kept.token)('GET', '/v1/me'))).id).toBe(jane.id);
    const stillIn = await send('/portal', { headers: { cookie: keptCookie } });
    expect(stillIn.status).toBe(200);
    expect(await stillIn.text()).toContain('Signed in as Jane Doe');

    // Idempotent: revoking it again answers the same and stores one row, expiring when any token
    // still accepted could (30 days from now: the id alone does not say when it expires).
    expect((await revokeOne(jane.id, leaked.tokenId)).body).toEqual({ partnerId: jane.id, tokenId: leaked.tokenId, revoked: true });
    expect(await revocations()).toEqual([[jane.id, leaked.tokenId, Date.parse('2026-03-31T12:00:00.000Z')]]);
  });

  it('unknown partner is 404, a malformed tokenId 422, a partner token 401; nothing is written', async () => {
    const janes = await issue(jane.id);
    const unknown = await revokeOne('ptn_nope', janes.tokenId);
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'not_found']);
    for (const bad of ['nope', `${janes.tokenId}x`, janes.tokenId.toUpperCase(), 'x'.repeat(300)]) {
      const r = await revokeOne(jane.id, encodeURIComponent(bad));
      expect([r.status, r.body.error.code, r.body.error.field], bad).toEqual([422, 'validation_failed', 'tokenId']);
    }
    expectUnauthorized(await h.as(janes.token)('POST', `/v1/partners/${jane.id}/tokens/${janes.tokenId}/revoke`), 'partner token on admin route');
    expect(await revocations()).toEqual([]);
    expect((await ok(h.as(janes.token)('GET', '/v1/me'))).id).toBe(jane.id);
  });

  it('the periodic job deletes revocations whose token has expired (after a minute for clock skew) and keeps the rest', async () => {
    const short = await issue(jane.id, { ttlSeconds: 60 });
    const long = await issue(jane.id, { ttlSeconds: 3600 });
    // Signing out of the portal revokes the session's token with its own expiry.
    const cookie = await portalSignIn(send, short.token);
    const form = await send('/portal/logout', { headers: { cookie } });
    const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const out = await send('/portal/logout', { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf }) });
    expect(out.status).toBe(200);
    await ok(revokeOne(jane.id, long.tokenId));
    expect((await revocations()).sort()).toEqual(
      [
        [jane.id, short.tokenId, Date.parse('2026-03-01T12:01:00.000Z')],
        [jane.id, long.tokenId, Date.parse('2026-03-31T12:00:00.000Z')],
      ].sort(),
    );

    h.t.advance(60_000 + 60_000 - 1);
    expect((await runScheduledJobs(h.t.db, h.t.now)).expiredTokenRevocations).toBe(0);
    h.t.advance(1);
    expect(await runScheduledJobs(h.t.db, h.t.now)).toEqual({ approved: 0, expiredIdempotencyKeys: 0, expiredTokenRevocations: 1 });
    expect(await revocations()).toEqual([[jane.id, long.tokenId, Date.parse('2026-03-31T12:00:00.000Z')]]);
    expectUnauthorized(await h.as(long.token)('GET', '/v1/me'), 'the kept revocation still holds');
  });
});

describe('POST /v1/me/tokens/current/revoke', () => {
  it('a partner signs out the token it calls with, kept until that token expires; its other tokens and other partners are untouched', async () => {
    const mine = await issue(jane.id, { ttlSeconds: 3_600 });
    const kept = await issue(jane.id);
    const other = await issue(max.id);

    const r = await h.as(mine.token)('POST', '/v1/me/tokens/current/revoke');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ partnerId: jane.id, tokenId: mine.tokenId, revoked: true });
    expect(await revocations()).toEqual([[jane.id, mine.tokenId, Date.parse(mine.expiresAt)]]);

    expectUnauthorized(await h.as(mine.token)('GET', '/v1/me'), 'the revoked token');
    expectUnauthorized(await h.as(mine.token)('POST', '/v1/me/tokens/current/revoke'), 'revoking it again');
    expect((await ok(h.as(kept.token)('GET', '/v1/me'))).id).toBe(jane.id);
    expect((await ok(h.as(other.token)('GET', '/v1/me'))).id).toBe(max.id);
    expect(await revocations()).toHaveLength(1);
  });
});

describe('revocations are never replayed from an Idempotency-Key', () => {
  it('another token of the same partner posting the same key is itself revoked, not handed the first answer', async () => {
    const a = await issue(jane.id);
    const b = await issue(jane.id);
    const headers = { 'idempotency-key': 'signout' };
    const first = await h.as(a.token)('POST', '/v1/me/tokens/current/revoke', undefined, headers);
    expect([first.status, first.res.headers.get('cache-control'), first.body]).toEqual([200, 'no-store', { partnerId: jane.id, tokenId: a.tokenId, revoked: true }]);
    const second = await h.as(b.token)('POST', '/v1/me/tokens/current/revoke', undefined, headers);
    expect([second.status, second.res.headers.get('idempotent-replayed'), second.body]).toEqual([200, null, { partnerId: jane.id, tokenId: b.tokenId, revoked: true }]);
    expectUnauthorized(await h.as(b.token)('GET', '/v1/me'), 'b after its own sign-out');
  });

  it('sign out everywhere with the same key again, from a token issued since, revokes that token too', async () => {
    const a = await issue(jane.id);
    const headers = { 'idempotency-key': 'everywhere' };
    expect((await h.as(a.token)('POST', '/v1/me/tokens/revoke', undefined, headers)).status).toBe(200);
    const later = await issue(jane.id);
    const again = await h.as(later.token)('POST', '/v1/me/tokens/revoke', undefined, headers);
    expect([again.status, again.res.headers.get('idempotent-replayed'), again.body]).toEqual([200, null, { partnerId: jane.id, revoked: true }]);
    expectUnauthorized(await h.as(later.token)('GET', '/v1/me'), 'the later token');
  });

  it('the admin revoke routes answer no-store too', async () => {
    const a = await issue(jane.id);
    for (const path of [`/v1/partners/${jane.id}/tokens/${a.tokenId}/revoke`, `/v1/partners/${jane.id}/tokens/revoke`]) {
      const r = await h.admin('POST', path, undefined, { 'idempotency-key': `admin-${path.length}` });
      expect([r.status, r.res.headers.get('cache-control')]).toEqual([200, 'no-store']);
    }
  });
});

describe('a revocation names the token by its jti alone', () => {
  it('an admin naming the wrong partner still revokes the token it names; the right partner’s other tokens keep working', async () => {
    const leaked = await issue(jane.id);
    const kept = await issue(jane.id);
    const r = await revokeOne(max.id, leaked.tokenId);
    expect([r.status, r.body]).toEqual([200, { partnerId: max.id, tokenId: leaked.tokenId, revoked: true }]);
    expectUnauthorized(await h.as(leaked.token)('GET', '/v1/me'), 'the named token');
    expect((await ok(h.as(kept.token)('GET', '/v1/me'))).id).toBe(jane.id);
  });
});
