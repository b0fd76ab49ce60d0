import { describe, expect, it } from 'vitest';

describe('sha256Hex on Node', () => {
  it('gives the same digests with the node:crypto one-shot hash as with Web Crypto', async () => {
    const { sha256Hex, useSyncSha256 } = await import('../../src/lib/hash');
    const { nodeSha256Hex } = await import('../../src/lib/node-sha256');
    const inputs = ['', 'abc', 'rk_live_ünïcödé', 'x'.repeat(10_000)];
    useSyncSha256(null as never);
    const web = await Promise.all(inputs.map(sha256Hex));
    useSyncSha256(nodeSha256Hex);
    expect(await Promise.all(inputs.map(sha256Hex))).toEqual(web);
    expect(web[1]).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
