import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { ROOT, SPAWN_TEST_TIMEOUT_MS, spawnServer, stopSpawnedServers } from '../helpers/spawn-server';
import { startSqld, sqldSupported } from '../helpers/sqld';

// Inherited settings would change what a first start does.
const CLEAN = { ADMIN_API_KEY: '', VISITOR_SALT: '', JWT_SECRET: '', JWT_PRIVATE_KEY: '', DATABASE_AUTH_TOKEN: '' };

// A server left running by a failed assertion is killed before the next test.
afterEach(stopSpawnedServers);

describe('what `npm start` prints', () => {
  it('a first start creates the database and prints the generated admin key once; it works; a restart prints no key; the JWT secret is never printed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reflink-first-start-'));
    try {
      const file = join(dir, 'nested', 'reflink.db');
      const first = await spawnServer({ env: { ...CLEAN, DATABASE_URL: file } });
      const key = /rk_[A-Za-z0-9_-]+/.exec(first.output())?.[0];
      expect(key, first.output()).toBeDefined();
      const res = await fetch(`${first.base}/v1/programs`, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status).toBe(200);
      expect(await first.stop('SIGTERM')).toBe(0);
      const jwtSecret = readFileSync(`${file}.jwt-secret`, 'utf8').trim();
      // The database (customer emails, key hashes) is as private as the secret beside it.
      expect([statSync(file).mode & 0o777, statSync(`${file}.jwt-secret`).mode & 0o777]).toEqual([0o600, 0o600]);
      expect(first.output().split(key!).length - 1).toBe(1);
      expect(first.output()).not.toContain(jwtSecret);

      const again = await spawnServer({ env: { ...CLEAN, DATABASE_URL: file } });
      expect(await again.stop('SIGTERM')).toBe(0);
      expect(again.output()).not.toMatch(/rk_/);
      expect(again.output()).not.toContain(jwtSecret);
      expect(again.output()).toContain(`(database: ${file})`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, SPAWN_TEST_TIMEOUT_MS);

  it.skipIf(!sqldSupported)('a remote DATABASE_URL carrying its token (?authToken=) is printed without it', async () => {
    const sqld = await startSqld();
    try {
      const s = await spawnServer({ env: { ...CLEAN, ADMIN_API_KEY: 'startup-logs-admin-key-0123456789abc', DATABASE_URL: `${sqld.url}/?authToken=tok-secret-123` } });
      expect(await s.stop('SIGTERM')).toBe(0);
      expect(s.output()).toContain(`(database: ${sqld.url}/)`);
      expect(s.output()).not.toContain('tok-secret-123');
    } finally {
      await sqld.stop();
    }
  }, SPAWN_TEST_TIMEOUT_MS);
});

describe('what `npm run db:rebuild-rollups` prints', () => {
  it.skipIf(!sqldSupported)('a remote DATABASE_URL carrying its token is printed without it', async () => {
    const sqld = await startSqld();
    try {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/rebuild-rollups.ts'], {
        cwd: ROOT,
        env: { ...process.env, ...CLEAN, DATABASE_URL: `${sqld.url}/?authToken=tok-secret-456` },
        encoding: 'utf8',
        timeout: SPAWN_TEST_TIMEOUT_MS - 30_000,
      });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain(`rebuilt rollups of every program in ${sqld.url}/: 0 daily_rollups rows, 0 daily_commission_rollups rows`);
      expect(run.stdout + run.stderr).not.toContain('tok-secret-456');
    } finally {
      await sqld.stop();
    }
  }, SPAWN_TEST_TIMEOUT_MS);
});

describe('what `npm start` says when it stops', () => {
  it.skipIf(!sqldSupported)('clicks it could not write before stopping (database gone) are reported and the exit code is 1, not 0', async () => {
    const sqld = await startSqld();
    let stopped = false;
    try {
      const s = await spawnServer({ env: { ...CLEAN, ADMIN_API_KEY: 'stop-logs-admin-key-0123456789abcdef', RATE_LIMIT_PER_SECOND: '0', DATABASE_URL: sqld.url } });
      const call = async (method: string, path: string, body?: unknown) =>
        (await fetch(s.base + path, { method, headers: { authorization: 'Bearer stop-logs-admin-key-0123456789abcdef', 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })).json() as Promise<any>;
      const program = await call('POST', '/v1/programs', { name: 'S', currency: 'USD', defaultUrl: 'https://shop.test/', allowedHosts: ['shop.test'] });
      const partner = await call('POST', `/v1/programs/${program.id}/partners`, { name: 'P', email: 'p@p.test' });
      expect((await fetch(`${s.base}/${partner.code}`, { redirect: 'manual' })).status).toBe(302);
      await sqld.stop();
      stopped = true;
      // The link is cached: the redirect is answered, its click waits in the buffer for a database that is gone.
      expect((await fetch(`${s.base}/${partner.code}`, { redirect: 'manual' })).status).toBe(302);
      expect(await s.stop('SIGTERM')).toBe(1);
      // (The first click may not have been written either: the buffer commits every 250 ms.)
      expect(s.output()).toMatch(/SIGTERM: stopped with clicks not written Error: click flush failed; [12] clicks still buffered/);
    } finally {
      if (!stopped) await sqld.stop();
    }
  }, SPAWN_TEST_TIMEOUT_MS);
});
