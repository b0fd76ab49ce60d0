import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeRuntime } from '../src/node-runtime';
import { recordClicks } from '../src/clicks/record-clicks';
import type { CapturedClick } from '../src/clicks/click-sink';
import { newClickId } from '../src/lib/ids';
import { LruCache } from '../src/lib/lru';
import { nodeSha256Hex } from '../src/lib/node-sha256';

// npx tsx bench/click-writer.ts — CPU per click of recordClicks alone (no HTTP) on a WAL file.
// WRITER=thread: with the writer thread's options; SAME_IP=1: one visitor (like autocannon);
// CACHE_KIB: SQLite page cache; DRIZZLE=1 (with WRITER=thread): drizzle-built inserts as on D1; BATCHES × SIZE clicks.
const BATCHES = Number(process.env.BATCHES ?? 40);
const SIZE = Number(process.env.SIZE ?? 500);
const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';

const dir = mkdtempSync(join(tmpdir(), 'reflink-writer-'));
try {
  const rt = await createNodeRuntime({ databaseUrl: join(dir, 'w.db'), env: { ADMIN_API_KEY: 'bench-admin-key-0123456789abcdefgh', VISITOR_SALT: 's', RATE_LIMIT_PER_SECOND: '0' }, clickWriter: 'inline' });
  const call = async (method: string, path: string, body: unknown) =>
    (await rt.app.request(path, { method, headers: { authorization: 'Bearer bench-admin-key-0123456789abcdefgh', 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<any>;
  const program = await call('POST', '/v1/programs', { name: 'W', currency: 'EUR', defaultUrl: 'https://shop.test/', allowedHosts: ['shop.test'] });
  const partner = await call('POST', `/v1/programs/${program.id}/partners`, { name: 'P', email: 'p@p.test' });
  const mk = (i: number): CapturedClick => ({
    id: newClickId(), at: new Date(), linkId: partner.defaultLink.id, programId: program.id, partnerId: partner.id, dedupWindowSeconds: 3600,
    ip: process.env.SAME_IP ? '127.0.0.1' : `10.0.${(i >> 8) & 255}.${i & 255}`, userAgent: UA, referer: null, purpose: null, landingUrl: `http://127.0.0.1/${partner.code}`, country: null,
  });
  // WRITER=thread: the options the writer thread passes (sync hash, no stored-id pre-check, memo).
  const opts = process.env.WRITER === 'thread' ? { hash: nodeSha256Hex, checkStored: false, knownUnique: new LruCache<string, number>(100_000, 86_400_000), libsql: process.env.DRIZZLE ? undefined : rt.db.$client } : {};
  if (process.env.CACHE_KIB) await rt.db.$client.execute(`PRAGMA cache_size = -${Number(process.env.CACHE_KIB)}`);
  let n = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let worst = 0;
  for (let b = 0; b < BATCHES; b++) {
    const batch = Array.from({ length: SIZE }, () => mk(n++));
    const s = performance.now();
    await recordClicks(rt.db, batch, 's', opts);
    worst = Math.max(worst, performance.now() - s);
  }
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  console.log(JSON.stringify({ clicks: n, wallMs: Math.round(wall), usPerClickWall: +((wall * 1000) / n).toFixed(1), usPerClickCpu: +((cpu.user + cpu.system) / n).toFixed(1), worstBatchMs: +worst.toFixed(1) }));
  rt.db.$client.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
