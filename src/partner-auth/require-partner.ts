import { createMiddleware } from 'hono/factory';
import type { AppEnv, AuthContext } from '../env';
import { ApiError } from '../lib/errors';
import { bearer, partnerOf } from '../middleware/auth';

export type PartnerAuth = Extract<AuthContext, { kind: 'partner' }>;

/**
 * Requires a partner token that still stands for its partner (partnerTokenClaims, asked once per
 * request: partnerOf).
 * Sets `auth` = `{kind:'partner', partnerId, programId}`. Anything else is a 401.
 */
export const requirePartner = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearer(c.req.header('authorization'));
  if (!token) throw new ApiError('unauthorized', 'Missing Authorization: Bearer <partner token>');
  const claims = await partnerOf(c, token);
  if (!claims) throw new ApiError('unauthorized', 'Invalid or expired partner token');
  c.set('auth', { kind: 'partner', partnerId: claims.partnerId, programId: claims.programId, tokenId: claims.tokenId, tokenExpiresAt: claims.expiresAt });
  await next();
});

/** The signed-in partner of a route behind requirePartner. */
export function partnerAuthOf(c: { var: AppEnv['Variables'] }): PartnerAuth {
  const { auth } = c.var;
  // Unreachable behind requirePartner; refuses rather than widening scope if a route forgets it.
  if (auth?.kind !== 'partner') throw new ApiError('unauthorized', 'A partner token is required');
  return auth;
}
