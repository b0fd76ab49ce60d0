import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnServer } from '../test/helpers/spawn-server';
import { ADMIN_KEY, api, countOf, createProgram, profileArgs, readDbFile } from './api';
import { cannonGet, median, type LoadResult } from './cannon';
import { hasWrk, wrkGet, wrkVersion, type Visitors } from './wrk';

export interface RedirectBench {
  /** The load generator: wrk when on PATH (µs latency resolution), else autocannon (1 ms). */
  loadgen: string;
  /** 'one': every request from the same visitor (repeats after the first); 'distinct': a new visitor each (wrk only). */
  visitors: Visitors;
  rounds: number;
  seconds: number;
  bare: LoadResult[];
  reflink: LoadResult[];
  /**
   * The control (bench/capture-only-server.ts): reflink's server and fast path with clicks encoded
   * and dropped, same rounds interleaved. Its ratio is the request path's own cost.
   */
  control: LoadResult[];
  /**
   * Per round (Linux /proc; null elsewhere): the share of the machine's CPU time left idle while the
   * bare / reflink round ran, and how long reflink's and the bare server's request thread sat
   * runnable on a run queue without a core (ms per second of the round; /proc schedstat), and the
   * rescheduling interrupts all cores received per request (/proc/interrupts RES): a thread woken on
   * a core that is busy with another costs an IPI, which on a virtual machine is a VM exit.
   */
  sched: { bareIdle: number[]; refIdle: number[]; bareWaitMsPerS: number[]; refWaitMsPerS: number[]; bareResched: number[]; refResched: number[] } | null;
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
   * server's per 302, the control's request thread per redirect (no writer beside it), reflink's
   * request thread per redirect and its click writer thread per click.
   */
  cpuUs: { bare: number; control: number; requestThread: number; writerThread: number } | null;
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

/** Idle and total CPU time of the whole machine (jiffies, all cores; Linux /proc/stat), or null. */
function machineCpu(): { idle: number; total: number } | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { idle: f[3]! + f[4]!, total: f.slice(0, 8).reduce((a, b) => a + b, 0) };
  } catch {
    return null;
  }
}

/** Nanoseconds a process's main thread has spent runnable but waiting for a core (Linux schedstat), or null. */
function runQueueWaitNs(pid: number | undefined): number | null {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[1]);
  } catch {
    return null;
  }
}

/** Rescheduling interrupts (IPIs one core sends another to make it switch threads) so far, all cores (Linux), or null. */
function reschedIpis(): number | null {
  try {
    const line = readFileSync('/proc/interrupts', 'utf8').split('\n').find((l) => /^\s*RES:/.test(l));
    if (!line) return null;
    let n = 0;
    for (const field of line.trim().split(/\s+/).slice(1)) {
      if (!/^\d+$/.test(field)) break;
      n += Number(field);
    }
    return n;
  } catch {
    return null;
  }
}

/** Runs `load` and measures the machine's idle share and `pid`'s run-queue wait meanwhile. */
async function withSched<T extends LoadResult>(pid: number | undefined, load: () => Promise<T>): Promise<{ run: T; idle: number | null; waitMsPerS: number | null; reschedPerReq: number | null }> {
  const c0 = machineCpu();
  const w0 = runQueueWaitNs(pid);
  const i0 = reschedIpis();
  const run = await load();
  const c1 = machineCpu();
  const w1 = runQueueWaitNs(pid);
  const i1 = reschedIpis();
  return {
    run,
    reschedPerReq: i0 !== null && i1 !== null && run.total > 0 ? (i1 - i0) / run.total : null,
    idle: c0 && c1 && c1.total > c0.total ? (c1.idle - c0.idle) / (c1.total - c0.total) : null,
    waitMsPerS: w0 !== null && w1 !== null ? (w1 - w0) / 1e6 / run.seconds : null,
  };
}

const countClicks = (file: string) => readDbFile(file, (db) => countOf(db, 'SELECT count(*) AS n FROM clicks'));

/**
 * GET /:code with click capture on versus a bare Hono 302 on the same runtime, rounds interleaved
 * (bare, control, reflink, bare, control, reflink, …) so drift on a shared machine hits all alike.
 */
export async function benchRedirect(dir: string, rounds: number, seconds: number, visitors: Visitors = 'one'): Promise<RedirectBench> {
  const file = join(dir, `redirect-${visitors}.db`);
  const [bare, reflink, control] = await Promise.all([
    spawnServer({ script: 'bench/bare-server.ts', readyPath: '/bench-go' }),
    spawnServer({ nodeArgs: profileArgs(), env: { DATABASE_URL: file, ADMIN_API_KEY: ADMIN_KEY, VISITOR_SALT: 'bench-salt', TRUST_PROXY: '1' } }),
    spawnServer({ script: 'bench/capture-only-server.ts', nodeArgs: profileArgs(), env: { DATABASE_URL: join(dir, `control-${visitors}.db`), ADMIN_API_KEY: ADMIN_KEY, VISITOR_SALT: 'bench-salt', TRUST_PROXY: '1' } }),
  ]);
  try {
    for (const server of [reflink, control]) {
      const { partners } = await createProgram(server, 1);
      await api(server, 'POST', `/v1/partners/${partners[0]!.id}/links`, {
        url: 'https://shop.test/pricing?plan=pro',
        code: 'bench-go',
        utm: { source: 'bench', medium: 'load' },
      });
    }
    const probe = await fetch(`${reflink.base}/bench-go`, { redirect: 'manual' });
    if (probe.status !== 302 || !probe.headers.get('location')?.includes('rcid=clk_')) {
      throw new Error(`redirect probe: ${probe.status} ${probe.headers.get('location')}`);
    }
    let accepted = 1;

    const wrk = hasWrk();
    if (visitors === 'distinct' && !wrk) throw new Error('distinct visitors need wrk');
    const get = wrk ? (url: string, secs: number) => wrkGet(url, secs, 16, visitors) : cannonGet;
    // Warm-up (JIT, link cache, SQLite page cache); counted for persistence, not for speed.
    await get(`${bare.base}/bench-go`, 2);
    await get(`${control.base}/bench-go`, 2);
    accepted += (await get(`${reflink.base}/bench-go`, 2)).s3xx;

    const result: RedirectBench = { loadgen: wrk ? `${wrkVersion().split(' Copyright')[0]} (1 thread)` : 'autocannon 8', visitors, rounds, seconds, bare: [], reflink: [], control: [], sched: null, accepted: 0, stored: 0, persistedPerSecond: [], keptUpPerSecond: [], bufferedAtEnd: 0, shutdownMs: 0, exitCode: null, cpuUs: null };
    const sched = { bareIdle: [] as number[], refIdle: [] as number[], bareWaitMsPerS: [] as number[], refWaitMsPerS: [] as number[], bareResched: [] as number[], refResched: [] as number[] };
    let schedKnown = true;
    let lastEndCount = 0;
    const cpu = { bare: 0, bareN: 0, control: 0, controlN: 0, main: 0, writer: 0, refN: 0 };
    for (let r = 0; r < rounds; r++) {
      const b0 = threadCpuMs(bare.child.pid);
      const { run: bareRun, idle: bareIdle, waitMsPerS: bareWait, reschedPerReq: bareResched } = await withSched(bare.child.pid, () => get(`${bare.base}/bench-go`, seconds));
      cpu.bare += cpuSplit(bare.child.pid!, b0, threadCpuMs(bare.child.pid)).all;
      cpu.bareN += bareRun.total;
      result.bare.push(bareRun);
      // The control runs between the bare round and reflink's, never while reflink's writer catches up.
      const c0 = threadCpuMs(control.child.pid);
      const controlRun = await get(`${control.base}/bench-go`, seconds);
      cpu.control += cpuSplit(control.child.pid!, c0, threadCpuMs(control.child.pid)).main;
      cpu.controlN += controlRun.total;
      result.control.push(controlRun);
      const before = await countClicks(file);
      const r0 = threadCpuMs(reflink.child.pid);
      const { run, idle: refIdle, waitMsPerS: refWait, reschedPerReq: refResched } = await withSched(reflink.child.pid, () => get(`${reflink.base}/bench-go`, seconds));
      if (bareIdle === null || refIdle === null || bareWait === null || refWait === null || bareResched === null || refResched === null) schedKnown = false;
      else {
        sched.bareIdle.push(bareIdle);
        sched.refIdle.push(refIdle);
        sched.bareWaitMsPerS.push(bareWait);
        sched.refWaitMsPerS.push(refWait);
        sched.bareResched.push(bareResched);
        sched.refResched.push(refResched);
      }
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
    if (schedKnown) result.sched = sched;
    if (cpu.bareN > 0 && cpu.refN > 0 && cpu.bare > 0) {
      result.cpuUs = { bare: (cpu.bare * 1000) / cpu.bareN, control: (cpu.control * 1000) / Math.max(1, cpu.controlN), requestThread: (cpu.main * 1000) / cpu.refN, writerThread: (cpu.writer * 1000) / cpu.refN };
    }
    result.bufferedAtEnd = Math.max(0, accepted - lastEndCount);

    const t0 = performance.now();
    result.exitCode = await reflink.stop('SIGTERM');
    result.shutdownMs = performance.now() - t0;
    result.stored = await countClicks(file);
    return result;
  } finally {
    await Promise.all([bare.stop('SIGTERM'), reflink.stop('SIGKILL'), control.stop('SIGTERM')]);
  }
}

export function redirectSummary(b: RedirectBench) {
  const bareRps = median(b.bare.map((x) => x.rps));
  const refRps = median(b.reflink.map((x) => x.rps));
  const controlRps = median(b.control.map((x) => x.rps));
  // A round counts at what the writer kept up with: redirects answered faster than the writer
  // commits them only grow its backlog (worked off during the next bare round).
  const sustainedRps = median(b.keptUpPerSecond);
  return {
    bareRps,
    refRps,
    ratio: refRps / bareRps,
    sustainedRps,
    sustainedRatio: sustainedRps / bareRps,
    controlRps,
    controlRatio: controlRps / bareRps,
    bareIdle: b.sched ? median(b.sched.bareIdle) : null,
    refIdle: b.sched ? median(b.sched.refIdle) : null,
    bareWaitMsPerS: b.sched ? median(b.sched.bareWaitMsPerS) : null,
    refWaitMsPerS: b.sched ? median(b.sched.refWaitMsPerS) : null,
    bareResched: b.sched ? median(b.sched.bareResched) : null,
    refResched: b.sched ? median(b.sched.refResched) : null,
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
