import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { ApiError } from '../lib/errors';
import { sha256Hex } from '../lib/hash';
import { claimIdempotencyKey, completeIdempotencyKey, findIdempotencyKey, releaseIdempotencyKey, takeOverIdempotencyKey } from '../db/queries/idempotency';
import { adminOf, bearer, partnerOf } from './auth';

/**
 * Who the request's credential is — the root key, a stored key by its id, or a partner (any of its
 * standing tokens) — or null when it is none that still stands (revoked, expired, suspended). The
 * same however the header spells it (`bearer  x`, `Bearer x`); never the same for two credentials.
 */
async function principalOf(c: Context<AppEnv>, authorization: string | undefined): Promise<string | null> {
  const token = bearer(authorization);
  if (!token) return null;
  // Looked up once per request: the route's requireScope / requirePartner reuse these answers.
  const admin = await adminOf(c, token);
  if (admin) return admin.keyId === null ? 'root' : `key:${admin.keyId}`;
  const partner = await partnerOf(c, token);
  return partner ? `partner:${partner.partnerId}` : null;
}

/** The stored key of an Idempotency-Key header sent by `principal` (principalOf) to `path`. */
export const idempotencyRowKey = (principal: string, path: string, header: string) => sha256Hex(`${principal}\n${path}\n${header}`);

/**
 * How long a claim without an answer counts as in progress. No request runs this long; a claim
 * older than this was left by a request that died (a killed process, a Worker cancelled when its
 * client disconnected), and the next retry with the same body takes it over and runs.
 */
export const IDEMPOTENCY_LEASE_MS = 60_000;

/**
 * How long a key is kept (Stripe's 24 h): a key claimed longer ago is a new key, and the periodic
 * job (deleteExpiredIdempotencyKeys) deletes its row.
 */
export const IDEMPOTENCY_RETENTION_MS = 24 * 3_600_000;

/**
 * `Idempotency-Key` on any POST: the first request's response is stored (per principal — see
 * principalOf — and path) and returned again for a retry with the same body within
 * IDEMPOTENCY_RETENTION_MS; a different body is a 409, and a retry while the first is still running
 * is a 409 too (with Retry-After), for at most IDEMPOTENCY_LEASE_MS. 5xx, auth failures and
 * `no-store` responses (which carry secrets) are not stored: such a retry runs again. A credential
 * that no longer stands has no principal, so a replay to it is the route's 401 like any request.
 */
export const idempotency = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('idempotency-key');
  if (c.req.method !== 'POST' || header === undefined) return next();
  if (header.length < 1 || header.length > 255) throw new ApiError('validation_failed', 'Idempotency-Key: must be 1-255 characters', undefined, 'Idempotency-Key');
  const authorization = c.req.header('authorization');
  const principal = await principalOf(c, authorization);
  // No standing credential: nothing to key by, and the route answers 401 (nothing stored, no 409).
  if (!principal) return next();
  const { db, clock } = c.var.deps;
  const path = new URL(c.req.url).pathname;
  let key = await idempotencyRowKey(principal, path, header);
  // Answers stored before keys were per principal (before 72a9ebd) were keyed by the raw header: a
  // retry sent with the same header across the upgrade still finds them. Such a row is at most
  // IDEMPOTENCY_RETENTION_MS old and none is written any more, so the claim only probes for it
  // (no read of its own). When no deployment can still hold one — every one has run the per-principal
  // code for 24 h, which this repository cannot know — the probe and legacyKey can go.
  const legacyKey = await sha256Hex(`${authorization ?? ''}\n${path}\n${header}`);
  const requestHash = await sha256Hex(await c.req.text());
  const claimedAt = clock();
  const expiredBefore = new Date(claimedAt.getTime() - IDEMPOTENCY_RETENTION_MS);

  if (!(await claimIdempotencyKey(db, key, requestHash, claimedAt, expiredBefore, legacyKey))) {
    // Held under this key, or by a live answer under its legacy form.
    const legacy = await findIdempotencyKey(db, legacyKey);
    const legacyLive = legacy !== null && legacy.createdAt > expiredBefore;
    if (legacyLive) key = legacyKey;
    const existing = legacyLive ? legacy : await findIdempotencyKey(db, key);
    if (existing && existing.requestHash !== requestHash) {
      throw new ApiError('conflict', 'Idempotency-Key was already used with a different request body', 'idempotency_key_reused');
    }
    if (existing && existing.status !== null) {
      return new Response(existing.response, {
        status: existing.status,
        headers: { 'content-type': 'application/json', 'idempotent-replayed': 'true' },
      });
    }
    // No answer yet: still running, or abandoned once its lease has passed (then this retry runs).
    const staleBefore = new Date(claimedAt.getTime() - IDEMPOTENCY_LEASE_MS);
    if (!existing || !(await takeOverIdempotencyKey(db, key, requestHash, claimedAt, staleBefore))) {
      const leftMs = existing ? existing.createdAt.getTime() - staleBefore.getTime() : 0;
      throw new ApiError('conflict', 'A request with this Idempotency-Key is still in progress', 'idempotency_in_progress', undefined, Math.max(1, Math.ceil(leftMs / 1000)));
    }
  }

  try {
    await next();
  } catch (err) {
    await releaseIdempotencyKey(db, key, claimedAt);
    throw err;
  }
  const status = c.res.status;
  // A `no-store` response carries a secret (a new API key, a partner token): never persist it.
  const secret = /no-store/i.test(c.res.headers.get('cache-control') ?? '');
  // Only answers to an accepted credential are kept: a request no route authenticated (an unknown
  // path's 404) would otherwise let anyone store rows without a key.
  if (status >= 500 || status === 401 || status === 403 || status === 429 || c.error || secret || !c.var.auth) {
    await releaseIdempotencyKey(db, key, claimedAt);
    return;
  }
  await completeIdempotencyKey(db, key, claimedAt, status, await c.res.clone().text());
});
