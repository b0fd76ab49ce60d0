import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A free loopback port (released before the child binds it; good enough on a quiet machine). */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface SpawnedServer {
  base: string;
  port: number;
  child: ChildProcess;
  /** The child's last ~8 KB of stdout + stderr, for failure messages. */
  output(): string;
  /** Sends `signal` and resolves with the exit code once the process is gone (SIGKILL after `graceMs`). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
}

export interface SpawnOptions {
  /** Script relative to the repository root; default the Node entry `src/node.ts`. */
  script?: string;
  env?: Record<string, string>;
  /** Extra Node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** Path polled until it answers below 400 (redirects not followed); default `/health`. */
  readyPath?: string;
  /** Bounded wait: `tries` polls, `intervalMs` apart. */
  tries?: number;
  intervalMs?: number;
}

/**
 * Starts a TypeScript server as its own Node process (`node --import tsx <script>`) on a free
 * loopback port (env PORT/HOST) and resolves once `readyPath` answers. Fails with the child's output
 * when it exits early or is not ready in time; the child is killed in that case.
 */
export async function spawnServer(opts: SpawnOptions = {}): Promise<SpawnedServer> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', opts.script ?? 'src/node.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...opts.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-8000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let gone = false;
  void exited.then(() => (gone = true));

  const stop = async (signal: NodeJS.Signals = 'SIGTERM', graceMs = 20_000) => {
    if (gone) return child.exitCode;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };

  const tries = opts.tries ?? 150;
  for (let i = 0; i < tries; i++) {
    if (gone) throw new Error(`server exited before it was ready:\n${out}`);
    try {
      const res = await fetch(base + (opts.readyPath ?? '/health'), { redirect: 'manual' });
      if (res.status < 400) return { base, port, child, output: () => out, stop };
    } catch {
      // not listening yet
    }
    await sleep(opts.intervalMs ?? 100);
  }
  await stop('SIGKILL');
  throw new Error(`server not ready after ${tries} polls:\n${out}`);
}
