import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureBundle } from './bundle';
import { describeMachine } from './machine';
import { benchRedirect } from './redirect';
import { benchReport } from './report';
import { renderResults, type BenchResults } from './results';
import { benchSales } from './sales';
import { ROOT } from '../test/helpers/spawn-server';

// npm run bench — every measurement side by side in one run (~2 minutes); writes bench/results.md.
const started = performance.now();
const dir = mkdtempSync(join(tmpdir(), 'reflink-bench-'));
const log = (msg: string) => console.log(`[bench ${((performance.now() - started) / 1000).toFixed(0)}s] ${msg}`);

try {
  const machine = describeMachine();
  log(`machine: ${JSON.stringify(machine)}`);
  log('a+b: redirect vs bare 302, 5 rounds × 5 s interleaved');
  const redirect = await benchRedirect(dir, 5, 5);
  log('c: leads, then 10 s of sales');
  const sales = await benchSales(dir, { partners: 20, customers: 2000, seconds: 10 });
  log('d: report latency');
  const report = await benchReport(dir);
  log('e: worker bundle');
  let bundle: BenchResults['bundle'];
  try {
    bundle = measureBundle();
  } catch (err) {
    bundle = { error: String(err) };
  }
  const results: BenchResults = { machine, redirect, sales, report, bundle, totalSeconds: (performance.now() - started) / 1000 };
  const md = renderResults(results);
  writeFileSync(join(ROOT, 'bench/results.md'), md);
  console.log(`\n${md}`);
  log('wrote bench/results.md');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
