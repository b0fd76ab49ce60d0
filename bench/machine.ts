import { readFileSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { availableParallelism, loadavg, totalmem } from 'node:os';

/** nproc, CPU model, memory, Node version, date, load average and speed probes (the box may be shared), for the results header. */
export async function describeMachine() {
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
    memoryProbeNs: memoryProbeNs(),
    loopbackProbeUs: await loopbackProbeUs(),
  };
}

/**
 * One byte sent back and forth over a loopback TCP connection within this process, 20,000 times,
 * in µs per round trip: the kernel's share of every request (syscalls, loopback networking,
 * wake-ups), which this host slows down far more than arithmetic in its slow hours.
 */
export async function loopbackProbeUs(): Promise<number> {
  const server = createServer((socket) => socket.on('data', (d) => socket.write(d)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const client = createConnection((server.address() as AddressInfo).port, '127.0.0.1');
    client.setNoDelay(true);
    await new Promise<void>((resolve) => client.once('connect', resolve));
    const trips = 20_000;
    const byte = Buffer.from([1]);
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      let left = trips;
      client.on('data', () => (--left === 0 ? resolve() : void client.write(byte)));
      client.write(byte);
    });
    const us = ((performance.now() - t0) * 1000) / trips;
    client.destroy();
    return Math.round(us * 10) / 10;
  } finally {
    server.close();
  }
}

/**
 * Dependent random reads over 64 MiB (one cycle through a shuffled array), in ns per read: memory
 * latency, which a shared host varies more than arithmetic (~200 ns on this project's box).
 */
export function memoryProbeNs(): number {
  const n = 16 * 1024 * 1024;
  const next = new Int32Array(n);
  for (let i = 0; i < n; i++) next[i] = i;
  let seed = 12345;
  // Sattolo's shuffle: a single cycle, so the walk never settles into a cached loop.
  for (let i = n - 1; i > 0; i--) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const k = seed % i;
    const t = next[i]!;
    next[i] = next[k]!;
    next[k] = t;
  }
  const reads = 2_000_000;
  const t0 = performance.now();
  let j = 0;
  for (let i = 0; i < reads; i++) j = next[j]!;
  const ns = ((performance.now() - t0) * 1e6) / reads;
  if (j < 0) console.log(j);
  return Math.round(ns);
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
