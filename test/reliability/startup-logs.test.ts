import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnServer } from '../helpers/spawn-server';
import { startSqld, sqldSupported } from '../helpers/sqld';

// Inherited settings would change what a first start does.
const CLEAN = { ADMIN_API_KEY: '', VISITOR_SALT: '', JWT_SECRET: '', JWT_PRIVATE_KEY: '', DATABASE_AUTH_TOKEN: '' };

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
      const jwtSecret = readFileSync(join(dir, 'nested', 'jwt-secret'), 'utf8').trim();
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
  }, 60_000);

  it.skipIf(!sqldSupported)('a remote DATABASE_URL carrying its token (?authToken=) is printed without it', async () => {
    const sqld = await startSqld();
    try {
      const s = await spawnServer({ env: { ...CLEAN, ADMIN_API_KEY: 'startup-logs-admin-key', DATABASE_URL: `${sqld.url}/?authToken=tok-secret-123` } });
      expect(await s.stop('SIGTERM')).toBe(0);
      expect(s.output()).toContain(`(database: ${sqld.url}/)`);
      expect(s.output()).not.toContain('tok-secret-123');
    } finally {
      await sqld.stop();
    }
  }, 60_000);
});
