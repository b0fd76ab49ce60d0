import { describe, expect, it } from 'vitest';
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import worker from '../../src/worker';
import { signInFormOf, setCookieOf } from '../helpers/portal-sign-in';
import { ORIGIN, json } from './helpers';
import { program } from './tracking';

/** The Workers cron as workerd runs it: the worker's `scheduled` handler, waiting for its waitUntil. */
async function cron(scheduledTime: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime, cron: '*/15 * * * *' }), env, ctx);
  await waitOnExecutionContext(ctx);
}

const send = (path: string, init?: RequestInit) => exports.default.fetch(new Request(`${ORIGIN}${path}`, { redirect: 'manual', ...init }));
const me = async (token: string) => (await send('/v1/me', { headers: { authorization: `Bearer ${token}` } })).status;
const form = (fields: Record<string, string>, cookie: string) => ({ method: 'POST', headers: { cookie, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });

/** Signs in as the issued link (`/portal/login#token=…`) does: its page's script posts the fragment (step=ask). */
async function signIn(token: string) {
  const page = await send('/portal/login');
  const nonce = /script-src 'nonce-([A-Za-z0-9_-]+)'/.exec(page.headers.get('content-security-policy') ?? '')?.[1];
  expect([page.status, (await page.text()).includes(`<script nonce="${nonce}">`)]).toEqual([200, true]);
  const asked = await send('/portal/login', { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token, step: 'ask' }) });
  expect(asked.status).toBe(200);
  const offer = await signInFormOf(asked);
  const res = await send('/portal/login', form(offer.fields, offer.cookie!));
  expect(res.status).toBe(303);
  return setCookieOf(res, '__Host-rl_portal')!;
}

async function revocationsOf(partnerId: string) {
  const { results } = await env.DB.prepare('select token_id, expires_at from revoked_partner_tokens where partner_id = ? order by expires_at').bind(partnerId).all();
  return results.map((r) => [r.token_id, r.expires_at]);
}

describe('revoking one partner token on workerd with D1', () => {
  it('admin revoke and portal Sign out each end one token; the others work; the cron deletes revocations of expired tokens', async () => {
    const { partner } = await program();
    const issue = async (ttlSeconds: number) => (await json('POST', `/v1/partners/${partner.id}/tokens`, { ttlSeconds })).body;
    const leaked = await issue(3600);
    const session = await issue(60);
    const kept = await issue(3600);

    const r = await json('POST', `/v1/partners/${partner.id}/tokens/${leaked.tokenId}/revoke`);
    expect([r.status, r.body]).toEqual([200, { partnerId: partner.id, tokenId: leaked.tokenId, revoked: true }]);
    expect(await me(leaked.token)).toBe(401);

    const cookie = await signIn(session.token);
    const csrf = /name="csrf" value="([0-9a-f]{32})"/.exec(await (await send('/portal', { headers: { cookie } })).text())![1]!;
    expect((await send('/portal/logout', form({ csrf }, cookie))).status).toBe(200);
    expect((await send('/portal', { headers: { cookie } })).status).toBe(401);
    expect(await me(session.token)).toBe(401);
    expect(await me(kept.token)).toBe(200);

    const sessionExpires = Date.parse(session.expiresAt);
    const rows = await revocationsOf(partner.id);
    expect(rows.map(([id]) => id)).toEqual([session.tokenId, leaked.tokenId]);
    expect(rows[0]![1]).toBe(sessionExpires);

    await cron(sessionExpires + 60_000 - 1);
    expect(await revocationsOf(partner.id)).toHaveLength(2);
    await cron(sessionExpires + 60_000);
    expect((await revocationsOf(partner.id)).map(([id]) => id)).toEqual([leaked.tokenId]);
    expect(await me(leaked.token)).toBe(401);
  });
});
