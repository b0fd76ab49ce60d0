import { readFileSync, statSync } from 'node:fs';
import { createClient } from '@libsql/client';
import { join } from 'node:path';
import { spawnServer, type SpawnedServer } from '../test/helpers/spawn-server';
import { ADMIN_KEY, api, createProgram } from './api';
import { median } from './cannon';
import { seedClicks, seedConversions, type SeedTarget } from './seed';
import { openNodeDb } from '../src/db/node-client';
import { rebuildRollups } from '../src/reports/rebuild-rollups';

export interface ReportScale {
  clicks: number;
  conversions: number;
  seedSeconds: number | null;
  /** Rebuilding daily rollups from the seeded raw rows (the report reads rollups). */
  rollupSeconds: number | null;
  /** This (bench) process's peak RSS so far (seeding and rebuild run in it), from /proc; null elsewhere. */
  peakRssMb?: number | null;
  /** Per report shape (`by day`, `by partner`, over one year): p50/p99 of sequential requests. */
  latency: { shape: string; p50Ms: number; p99Ms: number }[];
  /** BENCH_ONLY=report: every call (ms, started ms after the server was ready), pending commissions and WAL size around each shape. */
  trace?: { shape: string; calls: { ms: number; atMs: number }[]; pendingBefore: number; pendingAfter: number; walMbBefore: number; walMbAfter: number }[];
  note?: string;
}
export type ReportBench = { measured: false; reason: string } | { measured: true; scales: ReportScale[]; notes: string[] };

/** Full-scale target: 1,000,000 clicks and 100,000 conversions; also 10x fewer and 10x more. */
export const SCALES = (process.env.BENCH_SCALES ?? '0.1,1,10')
  .split(',')
  .map(Number)
  .map((f) => ({ clicks: 1_000_000 * f, conversions: 100_000 * f }));
// A scale is skipped when seeding + rebuild are projected (from the previous scale's rate) past
// BENCH_SEED_BUDGET seconds. 10x once grew to 18 GB RSS at a 4.5 GB database and was stopped: not the
// rebuild but the seeding. @libsql/client prepares every statement anew and libsql 0.5.29 frees one
// (~1 MB for a 500-row INSERT) only when the event loop turns, which a loop awaiting nothing but the
// client never lets happen: ~1.9 GB per million clicks. bench/seed.ts now sends literals through
// executeMultiple, in index order (1M clicks: 29 s → 12 s, ~150 MB, linear); the rebuild reads the raw
// rows once, not once per dimension (1M: 23 s → 4 s), with temp_store = FILE here (libSQL's default
// keeps its GROUP BY sorter in memory: ~175 bytes per row). Measured here: 10x seeds in ~160 s and
// rebuilds in ~47 s at ~220 MB peak RSS; the whole report section takes ~4 minutes.
const SEED_BUDGET_S = Number(process.env.BENCH_SEED_BUDGET ?? 480);
const REQUESTS = Number(process.env.BENCH_REPORT_REQUESTS ?? 20);

async function rebuild(file: string, programId: string) {
  const db = await openNodeDb(file);
  try {
    // libSQL is built with SQLITE_TEMP_STORE=2: temp b-trees in memory unless asked (Node only; not D1).
    await db.$client.execute('PRAGMA temp_store = FILE');
    await rebuildRollups(db, programId);
  } finally {
    db.$client.close();
  }
}

/** Peak resident memory of this process so far (VmHWM), in MB; null where /proc is missing. */
function peakRssMb(): number | null {
  try {
    const kb = /VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : null;
  } catch {
    return null;
  }
}

/** Restart on the seeded file; one retry, reported (a start-up SQLITE_BUSY was seen once here). */
async function restart(env: Record<string, string>, notes: string[]) {
  try {
    return await spawnServer({ env });
  } catch (err) {
    notes.push(`restart needed a retry: ${/SQLITE_\w+[^\n]*/.exec(String(err))?.[0] ?? String(err).split('\n')[0]}`);
    await new Promise((r) => setTimeout(r, 1000));
    return spawnServer({ env });
  }
}

const TRACE = process.env.BENCH_ONLY === 'report';

/** Pending commissions (what the approve job would touch) and the WAL's size, read beside the server. */
async function probeDb(file: string) {
  const c = createClient({ url: `file:${file}` });
  try {
    const r = await c.execute("SELECT count(*) AS n FROM commissions WHERE status = 'pending'");
    let walMb = 0;
    try {
      walMb = Math.round(statSync(`${file}-wal`).size / 1e5) / 10;
    } catch {}
    return { pending: Number(r.rows[0]!.n), walMb };
  } finally {
    c.close();
  }
}

async function timeReport(s: SpawnedServer, shape: string, path: string, readyAt: number) {
  const ms: number[] = [];
  const calls: { ms: number; atMs: number }[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = performance.now();
    await api(s, 'GET', path, undefined, [200]);
    ms.push(performance.now() - t0);
    calls.push({ ms: Math.round((performance.now() - t0) * 10) / 10, atMs: Math.round(t0 - readyAt) });
  }
  const byCall = [...ms];
  ms.sort((a, b) => a - b);
  return { shape, p50Ms: median(ms), p99Ms: ms[Math.ceil(ms.length * 0.99) - 1]!, calls, byCall };
}

/**
 * GET /v1/programs/:id/report over seeded data at each scale (the database is topped up from one
 * scale to the next). Not measured while the endpoint does not exist (404 "No route").
 */
export async function benchReport(dir: string): Promise<ReportBench> {
  const file = join(dir, 'report.db');
  const env = { DATABASE_URL: file, ADMIN_API_KEY: ADMIN_KEY, VISITOR_SALT: 'bench-salt' };
  let s = await spawnServer({ env });
  try {
    const { programId, partners } = await createProgram(s, 10);
    const reward = await api(s, 'POST', `/v1/programs/${programId}/rewards`, { event: 'sale', type: 'fixed', amount: 1000 });
    const path = `/v1/programs/${programId}/report`;
    const probe = await fetch(s.base + path, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    const body = (await probe.json().catch(() => ({}))) as { error?: { message?: string } };
    if (probe.status === 404 && body.error?.message?.startsWith('No route')) {
      return { measured: false, reason: 'not measured: report endpoint not built yet' };
    }
    const now = new Date();
    const target: SeedTarget = { programId, currency: 'EUR', rewardId: reward.id, partners, now, days: 365 };
    const range = `from=${new Date(now.getTime() - 364 * 86_400_000).toISOString().slice(0, 10)}&to=${now.toISOString().slice(0, 10)}`;
    const scales: ReportScale[] = [];
    const notes: string[] = [];
    let have = { clicks: 0, conversions: 0 };
    let secondsPerClick = 0;
    for (const [i, want] of SCALES.entries()) {
      const projected = (want.clicks - have.clicks) * secondsPerClick;
      if (projected > SEED_BUDGET_S) {
        scales.push({ ...want, seedSeconds: null, rollupSeconds: null, latency: [], note: `skipped: seeding + rollup rebuild projected at ${projected.toFixed(0)} s (> ${SEED_BUDGET_S} s)` });
        continue;
      }
      await s.stop('SIGTERM');
      const t0 = performance.now();
      await seedClicks(file, target, want.clicks - have.clicks, `s${i}`);
      await seedConversions(file, target, want.conversions - have.conversions, `s${i}`);
      const seedSeconds = (performance.now() - t0) / 1000;
      await rebuild(file, programId);
      const rollupSeconds = (performance.now() - t0) / 1000 - seedSeconds;
      secondsPerClick = (seedSeconds + rollupSeconds) / (want.clicks - have.clicks);
      have = want;
      s = await restart(env, notes);
      const readyAt = performance.now();
      const latency = [];
      const trace: NonNullable<ReportScale['trace']> = [];
      for (const [shape, q] of [['by day', 'day'], ['by partner', 'partner']] as const) {
        const before = TRACE ? await probeDb(file) : null;
        const { calls, byCall: _, ...l } = await timeReport(s, shape, `${path}?${range}&groupBy=${q}`, readyAt);
        latency.push(l);
        if (before) {
          const after = await probeDb(file);
          trace.push({ shape, calls, pendingBefore: before.pending, pendingAfter: after.pending, walMbBefore: before.walMb, walMbAfter: after.walMb });
        }
      }
      scales.push({ ...want, seedSeconds, rollupSeconds, peakRssMb: peakRssMb(), latency, ...(TRACE ? { trace } : {}) });
    }
    return { measured: true, scales, notes };
  } finally {
    await s.stop('SIGKILL');
  }
}
