import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { ApiError } from '../lib/errors';
import { sha256Hex } from '../lib/hash';
import { claimIdempotencyKey, completeIdempotencyKey, findIdempotencyKey, releaseIdempotencyKey } from '../db/queries/idempotency';

/**
 * `Idempotency-Key` on any POST: the first request's response is stored (per credential, method
 * and path) and returned again for a retry with the same body; a different body is a 409, and a
 * retry while the first is still running is a 409 too. 5xx, auth failures and `no-store` responses
 * (which carry secrets) are not stored: such a retry runs again.
 */
export const idempotency = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('idempotency-key');
  if (c.req.method !== 'POST' || header === undefined) return next();
  if (header.length < 1 || header.length > 255) throw new ApiError('validation_failed', 'Idempotency-Key: must be 1-255 characters', undefined, 'Idempotency-Key');
  const { db, clock } = c.var.deps;
  const path = new URL(c.req.url).pathname;
  const key = await sha256Hex(`${c.req.header('authorization') ?? ''}\n${path}\n${header}`);
  const requestHash = await sha256Hex(await c.req.text());

  if (!(await claimIdempotencyKey(db, key, requestHash, clock()))) {
    const existing = await findIdempotencyKey(db, key);
    if (existing && existing.requestHash !== requestHash) {
      throw new ApiError('conflict', 'Idempotency-Key was already used with a different request body', 'idempotency_key_reused');
    }
    if (!existing || existing.status === null) {
      throw new ApiError('conflict', 'A request with this Idempotency-Key is still in progress', 'idempotency_in_progress');
    }
    return new Response(existing.response, {
      status: existing.status,
      headers: { 'content-type': 'application/json', 'idempotent-replayed': 'true' },
    });
  }

  try {
    await next();
  } catch (err) {
    await releaseIdempotencyKey(db, key);
    throw err;
  }
  const status = c.res.status;
  // A `no-store` response carries a secret (a new API key, a partner token): never persist it.
  const secret = /no-store/i.test(c.res.headers.get('cache-control') ?? '');
  if (status >= 500 || status === 401 || status === 403 || status === 429 || c.error || secret) {
    await releaseIdempotencyKey(db, key);
    return;
  }
  await completeIdempotencyKey(db, key, status, await c.res.clone().text());
});
