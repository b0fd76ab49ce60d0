import { describe, expect, it } from 'vitest';

describe('sha256Hex on Node', () => {
  it('gives the same digests with node:crypto as with Web Crypto', async () => {
    const { sha256Hex, useSyncSha256 } = await import('../../src/lib/hash');
    const { createHash } = await import('node:crypto');
    const inputs = ['', 'abc', 'rk_live_ünïcödé', 'x'.repeat(10_000)];
    useSyncSha256(null as never);
    const web = await Promise.all(inputs.map(sha256Hex));
    useSyncSha256((s) => createHash('sha256').update(s).digest('hex'));
    expect(await Promise.all(inputs.map(sha256Hex))).toEqual(web);
    expect(web[1]).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
