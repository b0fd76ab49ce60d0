import { createClient } from '@libsql/client';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnServer } from '../test/helpers/spawn-server';
import { ADMIN_KEY, api, createProgram, profileArgs } from './api';
import { cannonGet, median, type LoadResult } from './cannon';
import { hasWrk, wrkGet, wrkVersion } from './wrk';

export interface RedirectBench {
  /** The load generator: wrk when on PATH (µs latency resolution), else autocannon (1 ms). */
  loadgen: string;
  rounds: number;
  seconds: number;
  bare: LoadResult[];
  reflink: LoadResult[];
  /** 302s the load generator counted against reflink (warm-up and sanity request included). */
  accepted: number;
  /** Rows in `clicks` after SIGTERM (the server drains its buffer before exiting). */
  stored: number;
  /** Rows written while each reflink round ran, per second of that round (the writer keeping up). */
  persistedPerSecond: number[];
  /**
   * Per round, the round's redirects/s less the growth of the writer's backlog (accepted but not yet
   * stored) over the round, per second: what the writer kept up with. Equal to redirects/s when the
   * backlog did not grow; a backlog carried into the round and worked off does not count as keeping up.
   */
  keptUpPerSecond: number[];
  /**
   * Server CPU per response, in µs, summed over the rounds (Linux /proc; null elsewhere): the bare
   * server's per 302, reflink's request thread per redirect and its click writer thread per click.
   */
  cpuUs: { bare: number; requestThread: number; writerThread: number } | null;
  /** Clicks still buffered when the last round ended (written by the SIGTERM flush). */
  bufferedAtEnd: number;
  shutdownMs: number;
  exitCode: number | null;
}

/** CPU ms per thread of a process (Linux /proc; empty elsewhere). The main thread's tid is the pid. */
function threadCpuMs(pid: number | undefined): Map<number, number> {
  const out = new Map<number, number>();
  if (pid === undefined) return out;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out.set(Number(tid), ((Number(fields[11]) + Number(fields[12])) * 1000) / 100);
    }
  } catch {
    // not Linux
  }
  return out;
}

/** CPU used between two snapshots: the main thread, and the busiest other thread (reflink: the click writer). */
function cpuSplit(pid: number, before: Map<number, number>, after: Map<number, number>) {
  let main = 0;
  let other = 0;
  let all = 0;
  for (const [tid, ms] of after) {
    const d = ms - (before.get(tid) ?? 0);
    all += d;
    if (tid === pid) main = d;
    else other = Math.max(other, d);
  }
  return { main, other, all };
}

async function countClicks(file: string): Promise<number> {
  const client = createClient({ url: `file:${file}` });
  try {
    const rs = await client.execute('SELECT count(*) AS n FROM clicks');
    return Number(rs.rows[0]!.n);
  } finally {
    client.close();
  }
}

/**
 * GET /:code with click capture on versus a bare Hono 302 on the same runtime, rounds interleaved
 * (bare, reflink, bare, reflink, …) so drift on a shared machine hits both alike.
 */
export async function benchRedirect(dir: string, rounds: number, seconds: number): Promise<RedirectBench> {
  const file = join(dir, 'redirect.db');
  const [bare, reflink] = await Promise.all([
    spawnServer({ script: 'bench/bare-server.ts', readyPath: '/bench-go' }),
    spawnServer({ nodeArgs: profileArgs(), env: { DATABASE_URL: file, ADMIN_API_KEY: ADMIN_KEY, VISITOR_SALT: 'bench-salt' } }),
  ]);
  try {
    const { partners } = await createProgram(reflink, 1);
    await api(reflink, 'POST', `/v1/partners/${partners[0]!.id}/links`, {
      url: 'https://shop.test/pricing?plan=pro',
      code: 'bench-go',
      utm: { source: 'bench', medium: 'load' },
    });
    const probe = await fetch(`${reflink.base}/bench-go`, { redirect: 'manual' });
    if (probe.status !== 302 || !probe.headers.get('location')?.includes('rcid=clk_')) {
      throw new Error(`redirect probe: ${probe.status} ${probe.headers.get('location')}`);
    }
    let accepted = 1;

    const wrk = hasWrk();
    const get = wrk ? wrkGet : cannonGet;
    // Warm-up (JIT, link cache, SQLite page cache); counted for persistence, not for speed.
    await get(`${bare.base}/bench-go`, 2);
    accepted += (await get(`${reflink.base}/bench-go`, 2)).s3xx;

    const result: RedirectBench = { loadgen: wrk ? `${wrkVersion().split(' Copyright')[0]} (1 thread)` : 'autocannon 8', rounds, seconds, bare: [], reflink: [], accepted: 0, stored: 0, persistedPerSecond: [], keptUpPerSecond: [], bufferedAtEnd: 0, shutdownMs: 0, exitCode: null, cpuUs: null };
    let lastEndCount = 0;
    const cpu = { bare: 0, bareN: 0, main: 0, writer: 0, refN: 0 };
    for (let r = 0; r < rounds; r++) {
      const b0 = threadCpuMs(bare.child.pid);
      const bareRun = await get(`${bare.base}/bench-go`, seconds);
      cpu.bare += cpuSplit(bare.child.pid!, b0, threadCpuMs(bare.child.pid)).all;
      cpu.bareN += bareRun.total;
      result.bare.push(bareRun);
      const before = await countClicks(file);
      const r0 = threadCpuMs(reflink.child.pid);
      const run = await get(`${reflink.base}/bench-go`, seconds);
      const split = cpuSplit(reflink.child.pid!, r0, threadCpuMs(reflink.child.pid));
      cpu.main += split.main;
      cpu.writer += split.other;
      cpu.refN += run.total;
      const backlogBefore = Math.max(0, accepted - before);
      lastEndCount = await countClicks(file);
      result.reflink.push(run);
      accepted += run.s3xx;
      result.persistedPerSecond.push((lastEndCount - before) / run.seconds);
      const backlogGrowth = Math.max(0, accepted - lastEndCount - backlogBefore);
      result.keptUpPerSecond.push((run.s3xx - backlogGrowth) / run.seconds);
    }
    result.accepted = accepted;
    if (cpu.bareN > 0 && cpu.refN > 0 && cpu.bare > 0) {
      result.cpuUs = { bare: (cpu.bare * 1000) / cpu.bareN, requestThread: (cpu.main * 1000) / cpu.refN, writerThread: (cpu.writer * 1000) / cpu.refN };
    }
    result.bufferedAtEnd = Math.max(0, accepted - lastEndCount);

    const t0 = performance.now();
    result.exitCode = await reflink.stop('SIGTERM');
    result.shutdownMs = performance.now() - t0;
    result.stored = await countClicks(file);
    return result;
  } finally {
    await Promise.all([bare.stop('SIGTERM'), reflink.stop('SIGKILL')]);
  }
}

export function redirectSummary(b: RedirectBench) {
  const bareRps = median(b.bare.map((x) => x.rps));
  const refRps = median(b.reflink.map((x) => x.rps));
  // A round counts at what the writer kept up with: redirects answered faster than the writer
  // commits them only grow its backlog (worked off during the next bare round).
  const sustainedRps = median(b.keptUpPerSecond);
  return {
    bareRps,
    refRps,
    ratio: refRps / bareRps,
    sustainedRps,
    sustainedRatio: sustainedRps / bareRps,
    bareP50: median(b.bare.map((x) => x.p50)),
    bareP99: median(b.bare.map((x) => x.p99)),
    refP50: median(b.reflink.map((x) => x.p50)),
    refP99: median(b.reflink.map((x) => x.p99)),
    refP99Worst: Math.max(...b.reflink.map((x) => x.p99)),
    /** Responses other than 302, plus socket errors and timeouts. */
    refBad: b.reflink.reduce((a, x) => a + x.s2xx + x.non2xx - x.s3xx + x.errors + x.timeouts, 0),
    persisted: median(b.persistedPerSecond),
  };
}
