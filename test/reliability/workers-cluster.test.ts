import { createClient } from '@libsql/client';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, SPAWN_TEST_TIMEOUT_MS, spawnServer, stopSpawnedServers, type SpawnedServer } from '../helpers/spawn-server';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';

// WORKERS=2: two Node processes (node:cluster) on one port and one libSQL file. Money must stay
// exact across processes (versioned counters, no shared lock), and every accepted click stored.
const KEY = 'cluster-admin-key-0123456789abcdef';

describe('Node with WORKERS=2 on one database file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reflink-cluster-'));
  const file = join(dir, 'cluster.db');
  let s: SpawnedServer;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(s.base + path, { method, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    // Ready once both workers print their listening line.
    s = await spawnServer({ env: { DATABASE_URL: file, ADMIN_API_KEY: KEY, VISITOR_SALT: 'salt', RATE_LIMIT_PER_SECOND: '0', WORKERS: '2' }, listening: 2 });
    expect(s.output()).toContain('worker 0 of 2');
    expect(s.output()).toContain('worker 1 of 2');
  }, SPAWN_TEST_TIMEOUT_MS);
  afterAll(async () => {
    await stopSpawnedServers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('200 simultaneous sales across both processes end exactly at the cap; identical calls make one event; every click is stored', async () => {
    const program = await call('POST', '/v1/programs', { name: 'C', currency: 'USD', defaultUrl: 'https://shop.test/', allowedHosts: ['shop.test'], holdDays: 0 });
    const partner = await call('POST', `/v1/programs/${program.body.id}/partners`, { name: 'P', email: 'p@p.test' });
    await call('POST', `/v1/programs/${program.body.id}/rewards`, { event: 'sale', type: 'fixed', amount: 700, caps: { perPartner: { amount: 50_000, period: 'year' } } });
    for (let i = 0; i < 40; i++) expect((await call('POST', '/v1/track/lead', { code: partner.body.code, programId: program.body.id, customer: { externalId: `c${i}` } })).status).toBe(200);

    const sales = await Promise.all(
      Array.from({ length: 200 }, (_, i) => call('POST', '/v1/track/sale', { programId: program.body.id, customerExternalId: `c${i % 40}`, externalId: `inv-${i}`, amount: 9900, currency: 'USD' })),
    );
    expect(sales.map((r) => r.status).filter((st) => st !== 200)).toEqual([]);
    const same = await Promise.all(Array.from({ length: 30 }, () => call('POST', '/v1/track/sale', { programId: program.body.id, customerExternalId: 'c1', externalId: 'inv-dup', amount: 100, currency: 'USD' })));
    expect(new Set(same.map((r) => r.body.event.id)).size).toBe(1);

    const redirects = await Promise.all(Array.from({ length: 300 }, (_, i) => fetch(`${s.base}/${partner.body.code}`, { redirect: 'manual', headers: { 'user-agent': `Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.${i % 30}` } })));
    expect(redirects.every((r) => r.status === 302)).toBe(true);
    expect(await s.stop('SIGTERM')).toBe(0);

    const db = createClient({ url: `file:${file}` });
    try {
      const one = async (q: string) => (await db.execute(q)).rows[0]!;
      expect(await one(`select count(*) as n, sum(amount) as total from commissions where partner_id = '${partner.body.id}'`)).toMatchObject({ n: 72, total: 71 * 700 + 300 });
      expect(await one(`select count(*) as n from events where type = 'sale'`)).toMatchObject({ n: 201 });
      // 30 visitors (one IP, 30 browsers), their clicks spread over both processes' click writers: 30 unique.
      expect(await one(`select count(*) as n, sum(is_unique) as u from clicks`)).toMatchObject({ n: 300, u: 30 });
      expect(await one(`select sum(clicks) as n, sum(unique_clicks) as u from daily_rollups where dim = 'link'`)).toMatchObject({ n: 300, u: 30 });
    } finally {
      db.close();
    }
  }, SPAWN_TEST_TIMEOUT_MS);
});

describe('Node with WORKERS=2, neither ADMIN_API_KEY nor VISITOR_SALT set (a first `npm start`)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reflink-cluster-salt-'));
  const file = join(dir, 'cluster.db');
  afterAll(async () => {
    await stopSpawnedServers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('one visitor clicking 20 times, each on a new connection (spread over both processes), has one visitor hash', async () => {
    const env: Record<string, string> = { DATABASE_URL: file, RATE_LIMIT_PER_SECOND: '0', WORKERS: '2' };
    for (const name of ['ADMIN_API_KEY', 'VISITOR_SALT', 'JWT_SECRET', 'JWT_PRIVATE_KEY']) env[name] = '';
    const s = await spawnServer({ env, listening: 2 });
    try {
      const key = /rk_[A-Za-z0-9_-]+/.exec(s.output())?.[0];
      expect(key, s.output()).toBeDefined();
      const call = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(s.base + path, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
        return { status: res.status, body: (await res.json()) as any };
      };
      const program = await call('POST', '/v1/programs', { name: 'C', currency: 'USD', defaultUrl: 'https://shop.test/', allowedHosts: ['shop.test'] });
      const partner = await call('POST', `/v1/programs/${program.body.id}/partners`, { name: 'P', email: 'p@p.test' });
      // A new TCP connection per click (agent: false), so node:cluster hands them to both processes.
      const click = () =>
        new Promise<number>((ok, fail) => {
          request(`${s.base}/${partner.body.code}`, { agent: false, headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0' } }, (res) => {
            res.resume();
            ok(res.statusCode!);
          })
            .on('error', fail)
            .end();
        });
      for (let i = 0; i < 20; i++) expect(await click()).toBe(302);
      expect(await s.stop('SIGTERM')).toBe(0);
      const db = createClient({ url: `file:${file}` });
      try {
        // One salt for both processes: the visitor has one hash whichever process served the click.
        expect((await db.execute('select count(*) as n, count(distinct visitor_hash) as visitors from clicks')).rows[0]).toMatchObject({ n: 20, visitors: 1 });
      } finally {
        db.close();
      }
    } finally {
      await s.stop('SIGKILL');
    }
  }, SPAWN_TEST_TIMEOUT_MS);
});

describe('Node with WORKERS=2 whose workers cannot start', () => {
  it('the port is taken: the primary stops and exits 1 with the reason instead of forking new workers forever', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reflink-cluster-busy-'));
    const blocker = createServer();
    await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', ok));
    const port = (blocker.address() as AddressInfo).port;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/node.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', WORKERS: '2', ADMIN_API_KEY: KEY, DATABASE_URL: join(dir, 'busy.db') },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group: the finally below reaches any worker left behind
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    // A primary that forks workers forever never exits: killed before the test's own timeout.
    const timer = setTimeout(() => child.kill('SIGKILL'), SPAWN_TEST_TIMEOUT_MS - 20_000);
    try {
      const code = await new Promise<number | null>((ok) => child.once('exit', (c) => ok(c)));
      expect(code, out).toBe(1);
      expect(out).toContain('EADDRINUSE');
      expect(out.match(/worker exited; starting another/g)).toBeNull();
      expect(out).toContain('a worker failed to start (code 1); stopping');
    } finally {
      clearTimeout(timer);
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // the group is gone
      }
      blocker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, SPAWN_TEST_TIMEOUT_MS);
});
