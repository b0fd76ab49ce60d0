const encoder = new TextEncoder();

function toHex(buf: ArrayBuffer): string {
  let out = '';
  for (const b of new Uint8Array(buf)) out += b.toString(16).padStart(2, '0');
  return out;
}

async function hmacSha256Hex(key: string, message: string): Promise<string> {
  const k = await crypto.subtle.importKey('raw', encoder.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return toHex(await crypto.subtle.sign('HMAC', k, encoder.encode(message)));
}

/**
 * An endpoint's signing secret: HMAC-SHA256(root key, `webhook:<endpointId>:<secretVersion>`), never
 * stored. The root key is JWT_SECRET (or JWT_PRIVATE_KEY's PEM): changing it changes every secret.
 */
export async function deriveWebhookSecret(rootKey: string, endpointId: string, secretVersion: number): Promise<string> {
  return `whsec_${await hmacSha256Hex(rootKey, `webhook:${endpointId}:${secretVersion}`)}`;
}

/**
 * The `Reflink-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed with
 * the whole `whsec_…` secret as UTF-8 (as Stripe signs).
 */
export async function signatureHeader(secret: string, unixSeconds: number, body: string): Promise<string> {
  return `t=${unixSeconds},v1=${await hmacSha256Hex(secret, `${unixSeconds}.${body}`)}`;
}
