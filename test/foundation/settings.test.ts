import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeRuntime } from '../../src/node-runtime';
import { SPAWN_TEST_TIMEOUT_MS, spawnServer, stopSpawnedServers } from '../helpers/spawn-server';
import { makeApp } from '../helpers/app';
import { readNodeSettings } from '../../src/node-settings';

const env = { ADMIN_API_KEY: 'settings-test-admin-key-0123456789', VISITOR_SALT: 's' };
afterEach(stopSpawnedServers);

describe('numeric settings: a malformed value is a start-up error naming the variable, never a silent default', () => {
  it('RATE_LIMIT_PER_SECOND=abc (or -1) refuses to start instead of running without a rate limit', async () => {
    await expect(createNodeRuntime({ databaseUrl: ':memory:', env: { ...env, RATE_LIMIT_PER_SECOND: 'abc' } })).rejects.toThrow('RATE_LIMIT_PER_SECOND must be a number ≥ 0, got "abc"');
    await expect(createNodeRuntime({ databaseUrl: ':memory:', env: { ...env, RATE_LIMIT_PER_SECOND: '-1' } })).rejects.toThrow('RATE_LIMIT_PER_SECOND must be a number ≥ 0, got "-1"');
  });

  it('PORTAL_LOGIN_RATE_LIMIT_PER_MINUTE=abc (or -1, 1.5) refuses to start instead of signing in without a limit', async () => {
    for (const value of ['abc', '-1', '1.5', '1e9']) {
      await expect(createNodeRuntime({ databaseUrl: ':memory:', env: { ...env, PORTAL_LOGIN_RATE_LIMIT_PER_MINUTE: value } })).rejects.toThrow(
        `PORTAL_LOGIN_RATE_LIMIT_PER_MINUTE must be an integer from 0 to 1000000, got "${value}"`,
      );
    }
    expect((await makeApp({ env: { PORTAL_LOGIN_RATE_LIMIT_PER_MINUTE: ' 12 ' } })).deps.loginRateLimiter).toBeDefined();
    expect((await makeApp({ env: { PORTAL_LOGIN_RATE_LIMIT_PER_MINUTE: '0' } })).deps.loginRateLimiter).toBeUndefined();
  });

  it('PUBLIC_URL without http(s):// refuses to start instead of handing out short links like "ref.example.com/jane"', async () => {
    await expect(createNodeRuntime({ databaseUrl: ':memory:', env: { ...env, PUBLIC_URL: 'ref.example.com' } })).rejects.toThrow('PUBLIC_URL must be an http(s) URL such as https://ref.example.com, got "ref.example.com"');
    const t = await makeApp({ env: { PUBLIC_URL: 'https://ref.example.com/' } });
    expect(t.deps.config.publicUrl).toBe('https://ref.example.com');
  });

  it('TRUST_PROXY other than 0/false, 1/true or a proxy count 1-32 (TRUST_PROXY=yes, -1, 1.5, 33) refuses to start instead of silently hashing the wrong IP for every visitor', async () => {
    for (const value of ['yes', '-1', '1.5', '33', '0x2', '2 proxies']) {
      await expect(createNodeRuntime({ databaseUrl: ':memory:', env: { ...env, TRUST_PROXY: value } })).rejects.toThrow(`TRUST_PROXY must be 0, false, 1, true or the number of proxies in front (up to 32), got "${value}"`);
    }
    for (const [value, ip] of [['TRUE', '198.51.100.1'], ['0', null], ['', null]] as const) {
      const t = await makeApp({ env: { TRUST_PROXY: value } });
      expect(t.deps.clientIp(new Request('http://x/', { headers: { 'x-forwarded-for': '198.51.100.1' } }), undefined)).toBe(ip);
    }
  });

  it('TRUST_PROXY=N takes the Nth X-Forwarded-For entry from the right; a header with fewer entries falls back to the socket peer', async () => {
    const forwarded = 'spoofed, 198.51.100.7:5123, 10.0.0.2';
    const cases = [['1', '10.0.0.2'], ['true', '10.0.0.2'], ['2', '198.51.100.7'], ['3', 'spoofed'], ['4', null], ['32', null], ['false', null]] as const;
    for (const [value, ip] of cases) {
      const t = await makeApp({ env: { TRUST_PROXY: value } });
      expect([value, t.deps.clientIp(new Request('http://x/', { headers: { 'x-forwarded-for': forwarded } }), undefined)]).toEqual([value, ip]);
    }
    // An empty entry where the outermost proxy's should be is no address either.
    const t = await makeApp({ env: { TRUST_PROXY: '2' } });
    expect(t.deps.clientIp(new Request('http://x/', { headers: { 'x-forwarded-for': ' , 10.0.0.2' } }), undefined)).toBe(null);
  });

  it('CLICK_WRITER_NICE=abc (or 20) refuses to start instead of silently running the writer at 19', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reflink-nice-'));
    try {
      for (const nice of ['abc', '20', '1.5']) {
        await expect(createNodeRuntime({ databaseUrl: join(dir, 'r.db'), env: { ...env, CLICK_WRITER_NICE: nice } })).rejects.toThrow(`CLICK_WRITER_NICE must be an integer from 0 to 19, got "${nice}"`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ADMIN_API_KEY shorter than 32 characters refuses to start (like JWT_SECRET) instead of running with a guessable root key', async () => {
    const message = 'ADMIN_API_KEY must be at least 32 characters';
    await expect(createNodeRuntime({ databaseUrl: ':memory:', env: { ...env, ADMIN_API_KEY: 'x'.repeat(31) } })).rejects.toThrow(message);
    const t = await makeApp({ env: { ADMIN_API_KEY: 'y'.repeat(32) } });
    expect((await t.app.request('/v1/programs', { headers: { authorization: `Bearer ${'y'.repeat(32)}` } })).status).toBe(200);
    // Unset or empty: no root key (one is generated on a first `npm start`), not an error.
    expect((await makeApp({ env: { ADMIN_API_KEY: '' } })).deps.config.adminKeyHash).toBeNull();
  });

  it('an empty RATE_LIMIT_PER_SECOND is the default (500/s, burst 1000), not 0 (off)', async () => {
    const t = await makeApp({ env: { RATE_LIMIT_PER_SECOND: '' } });
    const statuses = await Promise.all(Array.from({ length: 2000 }, async () => (await t.request('GET', '/v1/programs')).status));
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
  });

  it('npm start with WORKERS=0, a short ADMIN_API_KEY, APPROVE_INTERVAL_SECONDS=abc or WORKERS=2 on :memory: exits with an error naming the variable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reflink-settings-'));
    try {
      const cases: [Record<string, string>, string][] = [
        [{ WORKERS: '0' }, 'WORKERS must be an integer from 1 to 64, got "0"'],
        [{ ADMIN_API_KEY: 'short-admin-key' }, 'ADMIN_API_KEY must be at least 32 characters'],
        [{ APPROVE_INTERVAL_SECONDS: 'abc' }, 'APPROVE_INTERVAL_SECONDS must be a number from 1 to 2147483, got "abc"'],
        // Each process would have its own empty database (and the key printed by the primary would open none of them).
        [{ WORKERS: '2', DATABASE_URL: ':memory:' }, 'WORKERS > 1 needs a database file or a remote DATABASE_URL, not :memory:'],
      ];
      // All four at once (each is a Node start-up, seconds apart on a loaded host, not one after another).
      // A server that starts anyway is stopped at once (and fails the check).
      const outcomes = await Promise.all(
        cases.map(([vars]) =>
          spawnServer({ env: { ...env, DATABASE_URL: join(dir, 'r.db'), ...vars } }).then(
            async (s) => `started: ${await s.stop('SIGKILL')}`,
            (err: unknown) => String(err),
          ),
        ),
      );
      cases.forEach(([, message], i) => expect(outcomes[i]).toContain(message));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, SPAWN_TEST_TIMEOUT_MS);

  it('Node: an empty DATABASE_URL or HOST is the default (./.data/reflink.db, 127.0.0.1), not a throwaway database or every interface', () => {
    expect(readNodeSettings({ DATABASE_URL: '', HOST: '', PORT: '', WORKERS: '', APPROVE_INTERVAL_SECONDS: '' })).toEqual({
      databaseUrl: './.data/reflink.db',
      authToken: undefined,
      hostname: '127.0.0.1',
      port: 8787,
      workers: 1,
      approveEveryMs: 300_000,
    });
    expect(readNodeSettings({ DATABASE_URL: '/srv/r.db', DATABASE_AUTH_TOKEN: 't', HOST: '0.0.0.0', PORT: '9000', WORKERS: '2', APPROVE_INTERVAL_SECONDS: '60' })).toEqual({
      databaseUrl: '/srv/r.db',
      authToken: 't',
      hostname: '0.0.0.0',
      port: 9000,
      workers: 2,
      approveEveryMs: 60_000,
    });
  });
});
