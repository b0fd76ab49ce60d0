import { SignJWT } from 'jose';
import type { PartnerRow } from '../db/queries/partners';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, TOKEN_TYPE } from './config';
import type { PartnerSigningKeys } from './signing-keys';

/**
 * Signs a partner token: `sub` = partner id, `pid` = program id, `gen` = the partner's token
 * generation (revoking its tokens bumps it), `iss`/`aud`/`typ` fixed for partner tokens, a fresh
 * `jti` (returned as `tokenId`: revoking that one token names it). The caller has checked the
 * partner is active and the ttl bounds.
 */
export async function issuePartnerToken({ keys, now, partner, ttlSeconds }: { keys: PartnerSigningKeys; now: Date; partner: Pick<PartnerRow, 'id' | 'programId' | 'tokenGeneration'>; ttlSeconds: number }) {
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + ttlSeconds;
  const tokenId = crypto.randomUUID();
  const token = await new SignJWT({ pid: partner.programId, gen: partner.tokenGeneration })
    .setProtectedHeader({ alg: keys.alg, typ: TOKEN_TYPE, ...(keys.kid ? { kid: keys.kid } : {}) })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setSubject(partner.id)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setJti(tokenId)
    .sign(keys.signKey);
  return { token, tokenId, expiresAt: new Date(exp * 1000) };
}
