import { SignJWT, base64url, decodeProtectedHeader, exportPKCS8, exportSPKI, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signingKeysOf } from '../../src/partner-auth/signing-keys';
import type { AppConfig } from '../../src/env';
import {
  JWT_SECRET,
  T0,
  TOKEN_TYPE,
  createPartner,
  createProgram,
  expectUnauthorized,
  hsToken,
  issueToken,
  makePartnerApp,
  ok,
  validClaims,
  type PartnerApp,
} from '../me/helpers';

let privatePem: string;
let spkiPem: string;
let publicKey: CryptoKey;
let privateKey: CryptoKey;
let kid: string;

function pemBytes(pem: string): Uint8Array<ArrayBuffer> {
  const b64 = pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  return Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
}

beforeAll(async () => {
  const pair = await generateKeyPair('EdDSA', { extractable: true });
  privateKey = pair.privateKey;
  publicKey = pair.publicKey;
  privatePem = await exportPKCS8(privateKey);
  spkiPem = await exportSPKI(publicKey);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', pemBytes(spkiPem)));
  kid = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('').slice(0, 16);
});

let h: PartnerApp;
let partner: any;
beforeEach(async () => {
  // JWT_SECRET stays set too: the private key wins, and HS256 with that secret must then fail.
  h = await makePartnerApp({ env: { JWT_SECRET, JWT_PRIVATE_KEY: privatePem } });
  const program = await createProgram(h);
  partner = await createPartner(h, program.id, 'Jane Doe', 'jane@partner.test');
});

const edToken = (key: CryptoKey, claims: Record<string, unknown>, header: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: TOKEN_TYPE, ...header }).sign(key);

describe('EdDSA mode (JWT_PRIVATE_KEY)', () => {
  it('issues EdDSA tokens with kid = first 16 hex of SHA-256(SPKI), verifiable with the public key', async () => {
    const token = await issueToken(h, partner.id);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', typ: TOKEN_TYPE, kid });
    expect(kid).toMatch(/^[0-9a-f]{16}$/);
    const { payload } = await jwtVerify(token, publicKey, { algorithms: ['EdDSA'], issuer: 'reflink', audience: 'reflink:partner', currentDate: T0 });
    expect(payload).toMatchObject({ sub: partner.id, pid: partner.programId });
    const me = await ok(h.as(token)('GET', '/v1/me'));
    expect(me.id).toBe(partner.id);
  });

  it('a PEM pasted on one line with literal \\n works the same', async () => {
    const oneLine = await makePartnerApp({ env: { JWT_PRIVATE_KEY: privatePem.trim().replace(/\n/g, '\\n') } });
    const p = await createProgram(oneLine);
    const ptn = await createPartner(oneLine, p.id, 'Jane', 'jane@partner.test');
    const token = await issueToken(oneLine, ptn.id);
    expect(decodeProtectedHeader(token).kid).toBe(kid);
    expect((await oneLine.as(token)('GET', '/v1/me')).status).toBe(200);
  });

  it('HS256 is refused (algorithm confusion): signed with JWT_SECRET, the SPKI PEM, or the raw public key', async () => {
    const claims = validClaims(partner);
    expectUnauthorized(await h.as(await hsToken(JWT_SECRET, claims, { kid }))('GET', '/v1/me'), 'JWT_SECRET');
    expectUnauthorized(await h.as(await hsToken(spkiPem, claims, { kid }))('GET', '/v1/me'), 'SPKI PEM as HMAC key');
    expectUnauthorized(await h.as(await hsToken(pemBytes(spkiPem), claims, { kid }))('GET', '/v1/me'), 'SPKI DER as HMAC key');
    const x = base64url.decode((await exportJWK(publicKey)).x!);
    expectUnauthorized(await h.as(await hsToken(x, claims, { kid }))('GET', '/v1/me'), 'raw public key as HMAC key');
  });

  it('the kid must be ours; another Ed25519 key is refused even with our kid', async () => {
    const claims = validClaims(partner);
    expect((await h.as(await edToken(privateKey, claims, { kid }))('GET', '/v1/me')).status).toBe(200);
    expectUnauthorized(await h.as(await edToken(privateKey, claims, {}))('GET', '/v1/me'), 'no kid');
    expectUnauthorized(await h.as(await edToken(privateKey, claims, { kid: '0000000000000000' }))('GET', '/v1/me'), 'other kid');
    const stranger = await generateKeyPair('EdDSA');
    expectUnauthorized(await h.as(await edToken(stranger.privateKey, claims, { kid }))('GET', '/v1/me'), 'other key, our kid');
  });

  it('expired, wrong audience and tampered EdDSA tokens are refused', async () => {
    expectUnauthorized(await h.as(await edToken(privateKey, validClaims(partner, { aud: 'reflink:admin' }), { kid }))('GET', '/v1/me'), 'aud');
    const token = await issueToken(h, partner.id, { ttlSeconds: 60 });
    const [head, body, sig] = token.split('.');
    const flipped = `${sig!.slice(0, 4)}${sig!.slice(4, 5) === 'A' ? 'B' : 'A'}${sig!.slice(5)}`;
    expectUnauthorized(await h.as(`${head}.${body}.${flipped}`)('GET', '/v1/me'), 'signature');
    h.t.advance(60_000);
    expectUnauthorized(await h.as(token)('GET', '/v1/me'), 'expired');
  });

  it('a private key that is not Ed25519 is a configuration error, not an open door', async () => {
    const ec = await generateKeyPair('ES256', { extractable: true });
    const config = { adminKeyHash: null, visitorSalt: 's', publicUrl: null, jwtSecret: null, jwtPrivateKey: await exportPKCS8(ec.privateKey) } as AppConfig;
    await expect(signingKeysOf(config)).rejects.toThrow();
  });
});
