import { LruCache } from './lru';

const encoder = new TextEncoder();

function toHex(buf: ArrayBuffer): string {
  let out = '';
  for (const b of new Uint8Array(buf)) out += b.toString(16).padStart(2, '0');
  return out;
}

let syncSha256: ((input: string) => string) | null = null;

/**
 * Node's runtime installs node:crypto's synchronous SHA-256 here: Web Crypto's digest is async and
 * costs a thread-pool job and a promise per call (about 5% of a tracked sale). Same digests.
 */
export function useSyncSha256(fn: (input: string) => string): void {
  syncSha256 = fn;
}

export async function sha256Hex(input: string): Promise<string> {
  if (syncSha256) return syncSha256(input);
  return toHex(await crypto.subtle.digest('SHA-256', encoder.encode(input)));
}

/** Constant-time comparison of two equal-length strings (hex digests). */
export function timingSafeEqualStr(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export function randomToken(bytes = 24): string {
  const buf = crypto.getRandomValues(new Uint8Array(bytes));
  let s = '';
  for (const b of buf) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

// Hashing is deterministic, so recent credential → hash pairs can be remembered: every API request
// hashes its credential for auth and for its rate-limit key. Revocation is still checked per request.
const recentHashes = new LruCache<string, string>(1_000, 60_000);

/** sha256Hex for values that repeat on every request (API credentials). */
export async function sha256HexCached(input: string): Promise<string> {
  let hash = recentHashes.get(input);
  if (!hash) {
    hash = await sha256Hex(input);
    recentHashes.set(input, hash);
  }
  return hash;
}
