import { exportJWK, importJWK, importPKCS8, type CryptoKey } from 'jose';
import type { AppConfig } from '../env';
import { partnerAuthConfigOf } from './config';

export type PartnerTokenAlg = 'HS256' | 'EdDSA';

/** The one algorithm partner tokens use in this deployment, with its keys. */
export interface PartnerSigningKeys {
  alg: PartnerTokenAlg;
  /** EdDSA only: first 16 hex of SHA-256 over the public key's SPKI, sent as the `kid` header. */
  kid: string | null;
  signKey: CryptoKey | Uint8Array;
  verifyKey: CryptoKey | Uint8Array;
}

// Importing a PEM costs a few async crypto calls; do it once per config (i.e. per isolate/process).
const cache = new WeakMap<AppConfig, Promise<PartnerSigningKeys | null>>();

/**
 * The configured keys, or null when partner sign-in is not configured. JWT_PRIVATE_KEY wins over
 * JWT_SECRET: once EdDSA is configured, an HS256 token is never accepted (no algorithm confusion).
 * A malformed key rejects (a configuration error, surfaced as a 500 rather than as a 401).
 */
export function signingKeysOf(config: AppConfig): Promise<PartnerSigningKeys | null> {
  let keys = cache.get(config);
  if (!keys) {
    keys = loadKeys(config);
    cache.set(config, keys);
  }
  return keys;
}

async function loadKeys(config: AppConfig): Promise<PartnerSigningKeys | null> {
  const { jwtSecret, jwtPrivateKey } = partnerAuthConfigOf(config);
  if (jwtPrivateKey) return loadEd25519(jwtPrivateKey);
  if (jwtSecret) {
    const key = new TextEncoder().encode(jwtSecret);
    return { alg: 'HS256', kid: null, signKey: key, verifyKey: key };
  }
  return null;
}

async function loadEd25519(pem: string): Promise<PartnerSigningKeys> {
  // Extractable only long enough to read the public half; the signing key itself is not.
  const jwk = await exportJWK(await importPKCS8(pem, 'EdDSA', { extractable: true }));
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new Error('JWT_PRIVATE_KEY must be an Ed25519 key');
  }
  const verifyKey = (await importJWK({ kty: 'OKP', crv: 'Ed25519', x: jwk.x }, 'EdDSA', { extractable: true })) as CryptoKey;
  const spki = await crypto.subtle.exportKey('spki', verifyKey);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', spki));
  const kid = [...digest.slice(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return { alg: 'EdDSA', kid, signKey: await importPKCS8(pem, 'EdDSA'), verifyKey };
}
