import { createMiddleware } from 'hono/factory';
import type { AppEnv, AuthContext } from '../env';
import { ApiError } from '../lib/errors';
import { bearer, partnerOf } from '../middleware/auth';
import { revocablePartnerTokenClaims } from './check-partner-token';
import type { PartnerTokenClaims } from './verify-partner-token';

export type PartnerAuth = Extract<AuthContext, { kind: 'partner' }>;

/**
 * Requires a partner token that still stands for its partner (partnerTokenClaims, asked once per
 * request: partnerOf).
 * Sets `auth` = `{kind:'partner', partnerId, programId}`. Anything else is a 401.
 */
export const requirePartner = createMiddleware<AppEnv>(async (c, next) => {
  const claims = await claimsOrThrow(c.req.header('authorization'), (token) => partnerOf(c, token));
  c.set('auth', partnerAuth(claims));
  await next();
});

/**
 * requirePartner for the routes that revoke the caller's own tokens: a suspended partner's token is
 * accepted too (revocablePartnerTokenClaims), so that signing out holds after a reactivation.
 */
export const requirePartnerToRevoke = createMiddleware<AppEnv>(async (c, next) => {
  const claims = await claimsOrThrow(c.req.header('authorization'), (token) => revocablePartnerTokenClaims(c.var.deps, token));
  c.set('auth', partnerAuth(claims));
  await next();
});

async function claimsOrThrow(authorization: string | undefined, check: (token: string) => Promise<PartnerTokenClaims | null>) {
  const token = bearer(authorization);
  if (!token) throw new ApiError('unauthorized', 'Missing Authorization: Bearer <partner token>');
  const claims = await check(token);
  if (!claims) throw new ApiError('unauthorized', 'Invalid or expired partner token');
  return claims;
}

/** The `auth` of a request carrying these claims (also the portal session's: session.ts). */
export function partnerAuth(claims: PartnerTokenClaims): PartnerAuth {
  return { kind: 'partner', partnerId: claims.partnerId, programId: claims.programId, tokenId: claims.tokenId, tokenExpiresAt: claims.expiresAt };
}

/** The signed-in partner of a route behind requirePartner. */
export function partnerAuthOf(c: { var: AppEnv['Variables'] }): PartnerAuth {
  const { auth } = c.var;
  // Unreachable behind requirePartner; refuses rather than widening scope if a route forgets it.
  if (auth?.kind !== 'partner') throw new ApiError('unauthorized', 'A partner token is required');
  return auth;
}
