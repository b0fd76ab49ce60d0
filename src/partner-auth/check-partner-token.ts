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
  if (!token) return null;
  const keys = await signingKeysOf(deps.config);
  const claims = keys ? await verifyPartnerToken({ keys, token, now: deps.clock() }) : null;
  if (!claims) return null;
  const access = await findPartnerTokenAccess(deps.db, claims);
  return access?.status === 'active' && access.tokenGeneration === claims.generation && !access.revoked ? claims : null;
}
