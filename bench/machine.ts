import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';

/** nproc, CPU model, memory, Node version, date and load average (the box may be shared), for the results header. */
export function describeMachine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown';
  return {
    nproc: availableParallelism(),
    cpu: model,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    date: new Date().toISOString(),
    loadavg: loadavg().map((x) => x.toFixed(2)).join(' '),
    probeMs: speedProbeMs(),
  };
}

/**
 * A fixed single-threaded loop (2e8 integer steps; ~720 ms on this project's box): on a shared
 * host the same machine is not always as fast, so runs can be compared by it.
 */
export function speedProbeMs(): number {
  const t0 = performance.now();
  let x = 0;
  for (let i = 0; i < 2e8; i++) x = (x + i * 7) % 1_000_003;
  if (x < 0) console.log(x);
  return Math.round(performance.now() - t0);
}
