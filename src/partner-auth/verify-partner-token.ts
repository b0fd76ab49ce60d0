import { jwtVerify } from 'jose';
import { hasPrefix } from '../lib/ids';
import { MAX_TTL_SECONDS, TOKEN_AUDIENCE, TOKEN_ISSUER, TOKEN_TYPE } from './config';
import type { PartnerSigningKeys } from './signing-keys';

export interface PartnerTokenClaims {
  partnerId: string;
  programId: string;
  tokenId: string;
  expiresAt: Date;
  /** The partner's token generation when the token was issued (`gen`; 0 for tokens without it). */
  generation: number;
}

/** Far above any token we issue; refuses absurd inputs before any crypto. */
const MAX_TOKEN_LENGTH = 2048;

/**
 * Checks a partner token against the one configured algorithm (so `alg: none` and HS256-for-EdDSA
 * never pass), our issuer, audience and `typ`, and requires exp/iat/sub/jti/pid. With EdDSA the
 * `kid` must be ours. Any failure is null: a bad token is an expected outcome, not an error.
 * It says nothing about whether the partner is still active; the caller looks that up.
 */
export async function verifyPartnerToken({ keys, token, now }: { keys: PartnerSigningKeys; token: string; now: Date }): Promise<PartnerTokenClaims | null> {
  if (token.length > MAX_TOKEN_LENGTH) return null;
  let result;
  try {
    result = await jwtVerify(token, keys.verifyKey, {
      algorithms: [keys.alg],
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      typ: TOKEN_TYPE,
      requiredClaims: ['exp', 'iat', 'sub', 'jti', 'pid'],
      maxTokenAge: MAX_TTL_SECONDS,
      currentDate: now,
    });
  } catch {
    return null;
  }
  const { payload, protectedHeader } = result;
  if (keys.kid !== null && protectedHeader.kid !== keys.kid) return null;
  // jose accepts an audience array containing ours; a partner token names only us.
  if (payload.aud !== TOKEN_AUDIENCE) return null;
  const { sub, pid, jti, exp, gen = 0 } = payload;
  if (typeof sub !== 'string' || !hasPrefix(sub, 'ptn') || typeof pid !== 'string' || !hasPrefix(pid, 'prg') || typeof jti !== 'string' || typeof exp !== 'number') {
    return null;
  }
  if (typeof gen !== 'number' || !Number.isSafeInteger(gen) || gen < 0) return null;
  return { partnerId: sub, programId: pid, tokenId: jti, expiresAt: new Date(exp * 1000), generation: gen };
}
