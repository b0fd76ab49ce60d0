import type { AppConfig } from '../env';

/** What partner sign-in needs from the environment; part of AppConfig once readConfig reads it. */
export interface PartnerAuthConfig {
  /** JWT_SECRET: HS256 signing secret (at least 32 characters). */
  jwtSecret: string | null;
  /** JWT_PRIVATE_KEY: PKCS8 PEM of an Ed25519 key; when set, tokens are EdDSA and HS256 is refused. */
  jwtPrivateKey: string | null;
}

export const TOKEN_ISSUER = 'reflink';
export const TOKEN_AUDIENCE = 'reflink:partner';
/** The JOSE `typ` header of partner tokens, so no other JWT of ours can stand in for one. */
export const TOKEN_TYPE = 'reflink-partner+jwt';

export const MIN_TTL_SECONDS = 60;
export const MAX_TTL_SECONDS = 30 * 86_400;
export const DEFAULT_TTL_SECONDS = 7 * 86_400;

/** The shortest JWT_SECRET or ADMIN_API_KEY accepted: anything shorter is a start-up error. */
export const MIN_SECRET_LENGTH = 32;

/**
 * Reads JWT_SECRET and JWT_PRIVATE_KEY. A secret too short to resist brute force is a start-up
 * error rather than a weak deployment. PEMs pasted into one-line secrets often carry literal `\n`.
 */
export function readPartnerAuthConfig(vars: Record<string, string | undefined>): PartnerAuthConfig {
  const secret = vars.JWT_SECRET || null;
  if (secret !== null && secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  const pem = vars.JWT_PRIVATE_KEY ? vars.JWT_PRIVATE_KEY.replace(/\\n/g, '\n').trim() : null;
  if (pem !== null && !/^-----BEGIN PRIVATE KEY-----[\s\S]+-----END PRIVATE KEY-----$/.test(pem)) {
    throw new Error('JWT_PRIVATE_KEY must be a PKCS8 PEM ("-----BEGIN PRIVATE KEY-----")');
  }
  return { jwtSecret: secret, jwtPrivateKey: pem };
}

/** The partner sign-in fields of the app config (absent fields read as not configured). */
export function partnerAuthConfigOf(config: AppConfig): PartnerAuthConfig {
  const c = config as AppConfig & Partial<PartnerAuthConfig>;
  return { jwtSecret: c.jwtSecret ?? null, jwtPrivateKey: c.jwtPrivateKey ?? null };
}
