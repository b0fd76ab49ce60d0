import { spawn } from 'node:child_process';
import { ROOT } from '../test/helpers/spawn-server';

/** What we keep of one autocannon run (latencies in ms, autocannon's 1 ms resolution). */
export interface LoadResult {
  seconds: number;
  total: number;
  s2xx: number;
  s3xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Responses with the expected status per second (total / duration, not the mean of samples). */
  rps: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarize(raw: any, ok: '2xx' | '3xx'): LoadResult {
  const seconds = Number(raw.duration);
  const good = Number(raw[ok]);
  return {
    seconds,
    total: Number(raw.requests.total),
    s2xx: Number(raw['2xx']),
    s3xx: Number(raw['3xx']),
    non2xx: Number(raw.non2xx),
    errors: Number(raw.errors),
    timeouts: Number(raw.timeouts),
    rps: good / seconds,
    p50: Number(raw.latency.p50),
    p99: Number(raw.latency.p99),
    max: Number(raw.latency.max),
  };
}

/** Runs a Node script in its own process and parses the JSON it prints last on stdout. */
export function runJsonProcess(args: string[], timeoutMs = 120_000): Promise<any> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve(JSON.parse(line));
      } catch (e) {
        reject(new Error(`${args.join(' ')} failed (${String(e)}):\n${err}\n${out.slice(-2000)}`));
      }
    });
  });
}

/** GET load with the autocannon CLI in a separate process (16 connections by default). */
export async function cannonGet(url: string, seconds: number, connections = 16): Promise<LoadResult> {
  const raw = await runJsonProcess(['node_modules/autocannon/autocannon.js', '-c', String(connections), '-d', String(seconds), '-j', url]);
  return summarize(raw, '3xx');
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
