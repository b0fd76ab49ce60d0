import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { ApiError } from '../lib/errors';
import { sha256Hex } from '../lib/hash';
import { claimIdempotencyKey, completeIdempotencyKey, findIdempotencyKey, releaseIdempotencyKey, takeOverIdempotencyKey } from '../db/queries/idempotency';
import { partnerTokenClaims } from '../partner-auth/check-partner-token';
import { bearer, resolveAdmin } from './auth';

/**
 * Whether the credential a stored response was given to still stands (an admin or `rk_` key not
 * revoked, or a partner token not expired, revoked or suspended). Only 2xx–4xx answers to an
 * accepted credential are stored, so this is all a replay has to re-check.
 */
async function stillAuthenticated(deps: AppEnv['Variables']['deps'], authorization: string | undefined): Promise<boolean> {
  const token = bearer(authorization);
  if (!token) return false;
  return (await resolveAdmin(token, deps)) !== null || (await partnerTokenClaims(deps, token)) !== null;
}

/**
 * How long a claim without an answer counts as in progress. No request runs this long; a claim
 * older than this was left by a request that died (a killed process, a Worker cancelled when its
 * client disconnected), and the next retry with the same body takes it over and runs.
 */
export const IDEMPOTENCY_LEASE_MS = 60_000;

/**
 * `Idempotency-Key` on any POST: the first request's response is stored (per credential, method
 * and path) and returned again for a retry with the same body; a different body is a 409, and a
 * retry while the first is still running is a 409 too (with Retry-After), for at most
 * IDEMPOTENCY_LEASE_MS. 5xx, auth failures and `no-store` responses
 * (which carry secrets) are not stored: such a retry runs again. A replay re-checks the credential
 * first, so a revoked one is 401 here as on every other request.
 */
export const idempotency = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('idempotency-key');
  if (c.req.method !== 'POST' || header === undefined) return next();
  if (header.length < 1 || header.length > 255) throw new ApiError('validation_failed', 'Idempotency-Key: must be 1-255 characters', undefined, 'Idempotency-Key');
  const { db, clock } = c.var.deps;
  const path = new URL(c.req.url).pathname;
  const key = await sha256Hex(`${c.req.header('authorization') ?? ''}\n${path}\n${header}`);
  const requestHash = await sha256Hex(await c.req.text());
  const claimedAt = clock();

  if (!(await claimIdempotencyKey(db, key, requestHash, claimedAt))) {
    const existing = await findIdempotencyKey(db, key);
    // A revoked key or a revoked, expired or suspended partner token is 401 here as anywhere else:
    // no stored answer, and no 409 about what it sent before either.
    if (existing && !(await stillAuthenticated(c.var.deps, c.req.header('authorization')))) {
      throw new ApiError('unauthorized', 'Invalid, expired or revoked credentials');
    }
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
