import { createMiddleware } from 'hono/factory';
import type { AppEnv, AuthContext } from '../env';
import { findPartnerAccess } from '../db/queries/me';
import { ApiError } from '../lib/errors';
import { signingKeysOf } from './signing-keys';
import { tokenStillValid, verifyPartnerToken } from './verify-partner-token';

export type PartnerAuth = Extract<AuthContext, { kind: 'partner' }>;

function bearer(header: string | undefined): string | null {
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header.trim()) : null;
  return m ? m[1]! : null;
}

/**
 * Requires a valid partner token whose partner still exists in the token's program, is active and
 * has not had its tokens revoked since (one primary-key lookup per request, so suspending a partner
 * or revoking its tokens takes effect at once).
 * Sets `auth` = `{kind:'partner', partnerId, programId}`. Anything else is a 401.
 */
export const requirePartner = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearer(c.req.header('authorization'));
  if (!token) throw new ApiError('unauthorized', 'Missing Authorization: Bearer <partner token>');
  const { db, config, clock } = c.var.deps;
  const keys = await signingKeysOf(config);
  const claims = keys ? await verifyPartnerToken({ keys, token, now: clock() }) : null;
  const access = claims ? await findPartnerAccess(db, claims.partnerId, claims.programId) : null;
  if (!claims || !tokenStillValid(claims, access)) throw new ApiError('unauthorized', 'Invalid or expired partner token');
  c.set('auth', { kind: 'partner', partnerId: claims.partnerId, programId: claims.programId });
  await next();
});

/** The signed-in partner of a route behind requirePartner. */
export function partnerAuthOf(c: { var: AppEnv['Variables'] }): PartnerAuth {
  const { auth } = c.var;
  // Unreachable behind requirePartner; refuses rather than widening scope if a route forgets it.
  if (auth?.kind !== 'partner') throw new ApiError('unauthorized', 'A partner token is required');
  return auth;
}
