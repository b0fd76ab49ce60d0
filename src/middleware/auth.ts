import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { ApiError } from '../lib/errors';
import { sha256HexCached, timingSafeEqualStr } from '../lib/hash';
import { findActiveKeyByHash } from '../db/queries/api-keys';
import { partnerTokenClaims } from '../partner-auth/check-partner-token';
import type { PartnerTokenClaims } from '../partner-auth/verify-partner-token';

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

/** An accepted admin credential: the root key (keyId null) or a stored key, with its scopes. */
export interface AdminPrincipal {
  keyId: string | null;
  scopes: readonly string[];
}

/**
 * Admin authentication: the root key (ADMIN_API_KEY, compared as a SHA-256 hash in constant time)
 * or a stored `rk_` key that is not revoked. A failed check yields null; the middleware answers 401.
 */
export async function resolveAdmin(
  token: string,
  deps: AppEnv['Variables']['deps'],
): Promise<AdminPrincipal | null> {
  const hash = await sha256HexCached(token);
  if (deps.config.adminKeyHash && timingSafeEqualStr(hash, deps.config.adminKeyHash)) {
    return { keyId: null, scopes: ['*'] };
  }
  if (!token.startsWith('rk_')) return null;
  const key = await findActiveKeyByHash(deps.db, hash);
  return key ? { keyId: key.id, scopes: key.scopes } : null;
}

/** This request's lookups of its bearer token, each started at most once (see adminOf). */
export interface CredentialLookups {
  token: string;
  admin?: Promise<AdminPrincipal | null>;
  partner?: Promise<PartnerTokenClaims | null>;
}

function lookupsOf(c: Context<AppEnv>, token: string): CredentialLookups {
  let lookups = c.var.credential;
  if (lookups?.token !== token) c.set('credential', (lookups = { token }));
  return lookups;
}

/**
 * resolveAdmin(token), once per request. A POST with an Idempotency-Key asks first (the
 * idempotency middleware keys the stored answer by who authenticated), then the route's
 * requireScope asks again: the second answer is the first one, not a second stored-key query.
 * Still never cached across requests, so a revocation holds from the next request on.
 */
export function adminOf(c: Context<AppEnv>, token: string): Promise<AdminPrincipal | null> {
  const lookups = lookupsOf(c, token);
  return (lookups.admin ??= resolveAdmin(token, c.var.deps));
}

/** partnerTokenClaims(token), once per request: the idempotency middleware, then requirePartner. */
export function partnerOf(c: Context<AppEnv>, token: string): Promise<PartnerTokenClaims | null> {
  const lookups = lookupsOf(c, token);
  return (lookups.partner ??= partnerTokenClaims(c.var.deps, token));
}

/**
 * Scopes a write scope also grants, as Stripe's restricted keys do: a key that may change programs
 * (or the ledger) may read them too. `conversions:write` has no read counterpart.
 */
const IMPLIED: Partial<Record<Scope, Scope>> = { 'programs:write': 'programs:read', 'ledger:write': 'ledger:read' };

/** Whether a key holding `held` may do what `needed` allows: it holds `*`, `needed`, or a scope implying it. */
export function grants(held: readonly string[], needed: Scope): boolean {
  return held.includes('*') || held.includes(needed) || held.some((s) => IMPLIED[s as Scope] === needed);
}

/** Requires an admin key granting every one of `scopes` (see grants). */
export function requireScope(...scopes: [Scope, ...Scope[]]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = bearer(c.req.header('authorization'));
    if (!token) throw new ApiError('unauthorized', 'Missing Authorization: Bearer <api key>');
    const admin = await adminOf(c, token);
    if (!admin) throw new ApiError('unauthorized', 'Invalid or revoked API key');
    const missing = scopes.find((s) => !grants(admin.scopes, s));
    if (missing) throw new ApiError('forbidden', `This key lacks the ${missing} scope`);
    c.set('auth', { kind: 'admin', keyId: admin.keyId, scopes: admin.scopes });
    await next();
  });
}
