import type { AppDeps } from '../env';
import { findPartnerTokenAccess } from '../db/queries/partner-tokens';
import { signingKeysOf } from './signing-keys';
import { verifyPartnerToken, type PartnerTokenClaims } from './verify-partner-token';

/**
 * The claims of a partner token that verifies and still stands for its partner — the partner
 * exists in the token's program, is active, has not had its tokens revoked since this one was
 * issued, and this token was not revoked on its own (one query of two primary-key probes, never
 * cached, so suspension and revocation take effect at once, in every isolate) — else null.
 * The one check behind the partner API (requirePartner) and the portal's sign-in and session.
 */
export async function partnerTokenClaims(deps: Pick<AppDeps, 'db' | 'config' | 'clock'>, token: string | null | undefined): Promise<PartnerTokenClaims | null> {
  const found = await unrevokedClaims(deps, token);
  return found?.status === 'active' ? found.claims : null;
}

/**
 * The claims of a token that partnerTokenClaims accepts, or would but for a suspended partner: the
 * check behind signing out (the portal's Sign out, POST /v1/me/tokens/…/revoke). Revoking must not
 * wait for a reactivation, which would otherwise bring the token back to life. Still null for a
 * token that does not verify, names no partner of its program, or was revoked already.
 */
export async function revocablePartnerTokenClaims(deps: Pick<AppDeps, 'db' | 'config' | 'clock'>, token: string | null | undefined): Promise<PartnerTokenClaims | null> {
  return (await unrevokedClaims(deps, token))?.claims ?? null;
}

async function unrevokedClaims(deps: Pick<AppDeps, 'db' | 'config' | 'clock'>, token: string | null | undefined) {
  if (!token) return null;
  const keys = await signingKeysOf(deps.config);
  const claims = keys ? await verifyPartnerToken({ keys, token, now: deps.clock() }) : null;
  if (!claims) return null;
  const access = await findPartnerTokenAccess(deps.db, claims);
  return access && access.tokenGeneration === claims.generation && !access.revoked ? { claims, status: access.status } : null;
}
