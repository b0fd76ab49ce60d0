import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureBundle } from './bundle';
import { describeMachine } from './machine';
import { benchRedirect, redirectSummary } from './redirect';
import { benchReport } from './report';
import { renderResults, type BenchResults } from './results';
import { benchSales } from './sales';
import { benchMixed } from './mixed';
import { hasWrk } from './wrk';
import { ROOT } from '../test/helpers/spawn-server';

// npm run bench — every measurement side by side in one run (~6 minutes); writes bench/results.md.
// BENCH_ONLY=redirect runs only a+b and prints them (bench/results.md untouched); BENCH_ROUNDS and
// BENCH_SECONDS change its rounds (default 5 × 5 s), BENCH_VISITORS=distinct makes it a2's variant. BENCH_ONLY=sales runs only c and prints it;
// BENCH_ONLY=mixed only f. BENCH_ONLY=report only d (BENCH_SCALES, e.g. 1 or 0.1,1,10), with every call's time.
const started = performance.now();
const dir = mkdtempSync(join(tmpdir(), 'reflink-bench-'));
const log = (msg: string) => console.log(`[bench ${((performance.now() - started) / 1000).toFixed(0)}s] ${msg}`);

try {
  const machine = await describeMachine();
  log(`machine: ${JSON.stringify(machine)}`);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  if (process.env.BENCH_ONLY === 'sales') {
    log('c: leads, then 10 s of sales');
    const sales = await benchSales(dir, { partners: 20, customers: 2000, seconds: Number(process.env.BENCH_SECONDS ?? 10), workers: Number(process.env.BENCH_WORKERS ?? 1) });
    const { leads, sales: s, ...rest } = sales;
    const brief = (r: typeof s) => ({ rps: Math.round(r.rps), p50: r.p50, p99: r.p99, s2xx: r.s2xx, non2xx: r.non2xx, errors: r.errors });
    console.log(JSON.stringify({ leads: brief(leads), sales: brief(s), ...rest }));
    process.exit(0);
  }
  if (process.env.BENCH_ONLY === 'mixed') {
    const m = await benchMixed(dir);
    console.log(JSON.stringify({ ...m, redirects: Math.round(m.redirects.rps) }));
    process.exit(0);
  }
  if (process.env.BENCH_ONLY === 'report') {
    const r = await benchReport(dir);
    console.log(JSON.stringify(r));
    rmSync(dir, { recursive: true, force: true }); // a 10x database is ~4.5 GB
    process.exit(0);
  }
  log(`a+b: redirect vs bare 302, ${rounds} rounds × ${seconds} s interleaved`);
  const redirect = await benchRedirect(dir, rounds, seconds, process.env.BENCH_ONLY === 'redirect' && process.env.BENCH_VISITORS === 'distinct' ? 'distinct' : 'one');
  if (process.env.BENCH_ONLY === 'redirect') {
    console.log(JSON.stringify({ loadgen: redirect.loadgen, cpuUs: redirect.cpuUs, summary: redirectSummary(redirect), control: redirect.control.map((r) => Math.round(r.rps)), rounds: redirect.reflink.map((r) => [Math.round(r.rps), r.p50, r.p99]), bare: redirect.bare.map((r) => [Math.round(r.rps), r.p99]), accepted: redirect.accepted, stored: redirect.stored, bufferedAtEnd: redirect.bufferedAtEnd, shutdownMs: Math.round(redirect.shutdownMs) }, null, 1));
    process.exit(0);
  }
  let redirectDistinct: BenchResults['redirectDistinct'] = null;
  if (hasWrk()) {
    log(`a2: the same with a new visitor per request, 3 rounds × ${seconds} s`);
    redirectDistinct = await benchRedirect(dir, 3, seconds, 'distinct');
  }
  // One Node process, then WORKERS=2 (two processes on the same file) when there are 2+ cores.
  const sales = [];
  for (const workers of machine.nproc >= 2 ? [1, 2] : [1]) {
    log(`c: leads, then 10 s of sales (WORKERS=${workers})`);
    sales.push(await benchSales(dir, { partners: 20, customers: 2000, seconds: 10, workers }));
  }
  log('f: sales one at a time during redirect load');
  const mixed = await benchMixed(dir);
  log('d: report latency');
  const report = await benchReport(dir);
  log('e: worker bundle');
  let bundle: BenchResults['bundle'];
  try {
    bundle = measureBundle();
  } catch (err) {
    bundle = { error: String(err) };
  }
  const results: BenchResults = { machine, redirect, redirectDistinct, sales, mixed, report, bundle, totalSeconds: (performance.now() - started) / 1000 };
  const md = renderResults(results);
  writeFileSync(join(ROOT, 'bench/results.md'), md);
  console.log(`\n${md}`);
  log('wrote bench/results.md');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
