import { describe, expect, it } from 'vitest';
import { partnerAuthConfigOf, readPartnerAuthConfig } from '../../src/partner-auth/config';
import { signingKeysOf } from '../../src/partner-auth/signing-keys';
import type { AppConfig } from '../../src/env';

// Cast: before readConfig carries the JWT fields AppConfig lacks them, after it requires them.
const base = { adminKeyHash: null, visitorSalt: 's', publicUrl: null } as AppConfig;
const PEM_BODY = 'MC4CAQAwBQYDK2VwBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

describe('readPartnerAuthConfig', () => {
  it('nothing set → not configured', async () => {
    expect(readPartnerAuthConfig({})).toEqual({ jwtSecret: null, jwtPrivateKey: null });
    expect(readPartnerAuthConfig({ JWT_SECRET: '', JWT_PRIVATE_KEY: '' })).toEqual({ jwtSecret: null, jwtPrivateKey: null });
    expect(await signingKeysOf({ ...base, ...readPartnerAuthConfig({}) })).toBeNull();
    // A config without the fields at all (before readConfig carries them) reads as not configured.
    expect(partnerAuthConfigOf(base)).toEqual({ jwtSecret: null, jwtPrivateKey: null });
  });

  it('a secret shorter than 32 characters is refused at start-up', () => {
    expect(() => readPartnerAuthConfig({ JWT_SECRET: 'x'.repeat(31) })).toThrow('JWT_SECRET must be at least 32 characters');
    expect(readPartnerAuthConfig({ JWT_SECRET: 'x'.repeat(32) }).jwtSecret).toBe('x'.repeat(32));
  });

  it('JWT_PRIVATE_KEY must be a PKCS8 PEM; literal \\n become newlines', () => {
    expect(() => readPartnerAuthConfig({ JWT_PRIVATE_KEY: 'not a pem' })).toThrow('PKCS8 PEM');
    expect(() => readPartnerAuthConfig({ JWT_PRIVATE_KEY: `-----BEGIN RSA PRIVATE KEY-----\n${PEM_BODY}\n-----END RSA PRIVATE KEY-----` })).toThrow('PKCS8 PEM');
    expect(readPartnerAuthConfig({ JWT_PRIVATE_KEY: `-----BEGIN PRIVATE KEY-----\\n${PEM_BODY}\\n-----END PRIVATE KEY-----\\n` }).jwtPrivateKey).toBe(
      `-----BEGIN PRIVATE KEY-----\n${PEM_BODY}\n-----END PRIVATE KEY-----`,
    );
  });

  it('HS256 with JWT_SECRET alone; the keys are loaded once per config', async () => {
    const config = { ...base, ...readPartnerAuthConfig({ JWT_SECRET: 'y'.repeat(40) }) };
    const a = await signingKeysOf(config);
    expect(a).toMatchObject({ alg: 'HS256', kid: null });
    expect(signingKeysOf(config)).toBe(signingKeysOf(config));
  });
});
