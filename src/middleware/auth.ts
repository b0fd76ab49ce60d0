import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { ApiError } from '../lib/errors';
import { sha256HexCached, timingSafeEqualStr } from '../lib/hash';
import { findActiveKeyByHash } from '../db/queries/api-keys';

export type Scope =
  | '*'
  | 'programs:read'
  | 'programs:write'
  | 'conversions:write'
  | 'ledger:read'
  | 'ledger:write';

export const SCOPES: readonly Scope[] = ['*', 'programs:read', 'programs:write', 'conversions:write', 'ledger:read', 'ledger:write'];

export function bearer(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S{1,512})$/i.exec(header.trim());
  return m ? m[1]! : null;
}

/**
 * Admin authentication: the root key (ADMIN_API_KEY, compared as a SHA-256 hash in constant time)
 * or a stored `rk_` key that is not revoked. A failed check yields null; the middleware answers 401.
 */
export async function resolveAdmin(
  token: string,
  deps: AppEnv['Variables']['deps'],
): Promise<{ keyId: string | null; scopes: readonly string[] } | null> {
  const hash = await sha256HexCached(token);
  if (deps.config.adminKeyHash && timingSafeEqualStr(hash, deps.config.adminKeyHash)) {
    return { keyId: null, scopes: ['*'] };
  }
  if (!token.startsWith('rk_')) return null;
  const key = await findActiveKeyByHash(deps.db, hash);
  return key ? { keyId: key.id, scopes: key.scopes } : null;
}

/** Requires an admin key carrying `scope` (or `*`). */
export function requireScope(...scopes: [Scope, ...Scope[]]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = bearer(c.req.header('authorization'));
    if (!token) throw new ApiError('unauthorized', 'Missing Authorization: Bearer <api key>');
    const admin = await resolveAdmin(token, c.var.deps);
    if (!admin) throw new ApiError('unauthorized', 'Invalid or revoked API key');
    const missing = admin.scopes.includes('*') ? undefined : scopes.find((s) => !admin.scopes.includes(s));
    if (missing) throw new ApiError('forbidden', `This key lacks the ${missing} scope`);
    c.set('auth', { kind: 'admin', keyId: admin.keyId, scopes: admin.scopes });
    await next();
  });
}
