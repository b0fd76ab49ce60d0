import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadResult } from './cannon';

/** wrk on PATH (Debian: `apt-get install wrk`), unless BENCH_LOADGEN=autocannon. */
export function hasWrk(): boolean {
  if (process.env.BENCH_LOADGEN === 'autocannon') return false;
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    // wrk --version exits 1 after printing its version; only a missing binary is ENOENT.
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

export function wrkVersion(): string {
  try {
    return execFileSync('wrk', ['--version'], { encoding: 'utf8' }).split('\n')[0]!.trim();
  } catch (err) {
    return String((err as { stdout?: string }).stdout ?? '').split('\n')[0]!.trim() || 'wrk';
  }
}

// Counts 302s and everything else per thread, and prints one JSON line with wrk's own latency
// histogram (microsecond resolution) when the run is done.
const SCRIPT = `
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) s3xx = 0; s2xx = 0; other = 0 end
function response(status, headers, body)
  if status >= 300 and status < 400 then s3xx = s3xx + 1 elseif status >= 200 and status < 300 then s2xx = s2xx + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local a, b, c = 0, 0, 0
  for _, t in ipairs(threads) do a = a + t:get("s3xx"); b = b + t:get("s2xx"); c = c + t:get("other") end
  local e = summary.errors
  io.write(string.format('WRKJSON {"s3xx":%d,"s2xx":%d,"other":%d,"requests":%d,"durationUs":%d,"p50":%.3f,"p99":%.3f,"max":%.3f,"errors":%d,"timeouts":%d}\\n',
    a, b, c, summary.requests, summary.duration, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.status, e.timeout))
end
`;

// 'distinct' visitors: every request comes from a new visitor (its own X-Forwarded-For, which
// reflink reads with TRUST_PROXY=1), numbered on from where the previous run stopped.
const DISTINCT = `
local nextIp = 0
function init(args) s3xx = 0; s2xx = 0; other = 0; nextIp = tonumber(args[1]) end
function request()
  nextIp = nextIp + 1
  local n = nextIp
  local ip = string.format("%d.%d.%d.%d", 11 + math.floor(n / 16777216) % 200, math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
  return wrk.format(nil, nil, { ["X-Forwarded-For"] = ip })
end
`;
export type Visitors = 'one' | 'distinct';
let visitorsUsed = 0;

/**
 * GET load with wrk in a separate process: 1 thread, 16 connections; latencies in ms (µs resolution).
 * From one visitor (loopback, one user agent: after the first, every click is a repeat) or distinct ones.
 */
export function wrkGet(url: string, seconds: number, connections = 16, visitors: Visitors = 'one'): Promise<LoadResult> {
  const script = join(tmpdir(), `reflink-bench-wrk-${visitors}.lua`);
  writeFileSync(script, visitors === 'distinct' ? SCRIPT + DISTINCT : SCRIPT);
  const args = visitors === 'distinct' ? ['--', String(visitorsUsed)] : [];
  visitorsUsed += 10_000_000; // more requests than one run can send
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '-s', script, url, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('WRKJSON '));
      if (code !== 0 || !line) return reject(new Error(`wrk failed (${code}):\n${out}`));
      const r = JSON.parse(line.slice('WRKJSON '.length));
      const secs = r.durationUs / 1e6;
      resolve({
        seconds: secs,
        total: r.requests,
        s2xx: r.s2xx,
        s3xx: r.s3xx,
        non2xx: r.s3xx + r.other,
        errors: r.errors,
        timeouts: r.timeouts,
        rps: r.s3xx / secs,
        p50: r.p50,
        p99: r.p99,
        max: r.max,
      });
    });
  });
}
