import type { AppDeps } from '../env';
import { findPartnerAccess } from '../db/queries/me';
import { signingKeysOf } from './signing-keys';
import { verifyPartnerToken, type PartnerTokenClaims } from './verify-partner-token';

/**
 * The claims of a partner token that verifies and still stands for its partner — the partner
 * exists in the token's program, is active, and has not had its tokens revoked since this one was
 * issued (one primary-key lookup, so suspension and revocation take effect at once) — else null.
 * The one check behind the partner API (requirePartner) and the portal's sign-in and session.
 */
export async function partnerTokenClaims(deps: Pick<AppDeps, 'db' | 'config' | 'clock'>, token: string | null | undefined): Promise<PartnerTokenClaims | null> {
  if (!token) return null;
  const keys = await signingKeysOf(deps.config);
  const claims = keys ? await verifyPartnerToken({ keys, token, now: deps.clock() }) : null;
  if (!claims) return null;
  const access = await findPartnerAccess(deps.db, claims.partnerId, claims.programId);
  return access?.status === 'active' && access.tokenGeneration === claims.generation ? claims : null;
}
