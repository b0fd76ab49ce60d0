import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * A free loopback port, released before its user binds it: another process may take it in
 * between. Only for servers that cannot report the port they bound (sqld); retry on EADDRINUSE.
 */
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

/**
 * How long a spawned server may take to be ready. `node --import tsx` compiles and loads the app
 * in ~1 s on an idle core but took over 20 s with both cores saturated (load average ~9), so the
 * wait is a deadline, not a number of polls; a server that exits early fails at once.
 */
export const READY_TIMEOUT_MS = 60_000;
/** Per-test timeout for a test that starts servers as processes on a loaded 2-core host. */
export const SPAWN_TEST_TIMEOUT_MS = 120_000;

export interface SpawnedServer {
  base: string;
  port: number;
  child: ChildProcess;
  /** The child's last ~8 KB of stdout + stderr, for failure messages. */
  output(): string;
  /**
   * Sends `signal` to the server's process and resolves with its exit code once it is gone
   * (SIGKILL after `graceMs`); then SIGKILLs whatever is left of its process group (cluster workers).
   */
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
  /** How many "… on http://127.0.0.1:<port>" lines to wait for: WORKERS=2 prints one per worker. */
  listening?: number;
  /** Overall readiness deadline; default READY_TIMEOUT_MS. */
  timeoutMs?: number;
}

/** Every server spawned by this process and not yet gone, for stopSpawnedServers(). */
const running = new Set<SpawnedServer>();

/** SIGKILLs every spawned server still running (afterAll/afterEach: nothing outlives a failed test). */
export async function stopSpawnedServers(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop('SIGKILL')));
}

// Last resort when the test process itself exits (a bench run, a worker torn down).
process.once('exit', () => {
  for (const s of running) killGroup(s.child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // the group is gone already
  }
}

/**
 * Starts a TypeScript server as its own Node process (`node --import tsx <script>`) with PORT=0:
 * the OS picks the port and the server's own "… on http://127.0.0.1:<port>" line says which, so
 * no other process can take it in between. Resolves once that line is printed (`listening` times)
 * and `readyPath` answers. Fails with the child's output when it exits early or is not ready
 * within the deadline; the child is killed in that case.
 */
export async function spawnServer(opts: SpawnOptions = {}): Promise<SpawnedServer> {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', opts.script ?? 'src/node.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...opts.env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so stop() also reaches node:cluster workers and nothing is orphaned.
    detached: true,
  });
  let out = '';
  let port = 0;
  let listeners = 0;
  let partial = '';
  const keep = (chunk: Buffer) => {
    const text = chunk.toString();
    out = (out + text).slice(-8000);
  };
  child.stdout!.on('data', (chunk: Buffer) => {
    keep(chunk);
    // Whole lines only: a chunk may end in the middle of the port number.
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      const m = / on http:\/\/127\.0\.0\.1:(\d+)/.exec(line);
      if (m) {
        port ||= Number(m[1]);
        listeners++;
      }
    }
  });
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let gone = false;

  // A graceful stop flushes buffered clicks in every process: a WORKERS=2 server took over 20 s on
  // the loaded host (and was SIGKILLed, exit code null), so the grace matches the start-up deadline.
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', graceMs = READY_TIMEOUT_MS) => {
    if (!gone) {
      child.kill(signal);
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    killGroup(child, 'SIGKILL');
    running.delete(server);
    return child.exitCode;
  };
  const server: SpawnedServer = {
    get base() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    child,
    output: () => out,
    stop,
  };
  running.add(server);
  void exited.then(() => (gone = true));

  const timeoutMs = opts.timeoutMs ?? READY_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const want = opts.listening ?? 1;
  while (Date.now() < deadline) {
    if (gone) {
      await stop('SIGKILL');
      throw new Error(`server exited (code ${child.exitCode}) before it was ready:\n${out}`);
    }
    if (listeners >= want) {
      try {
        const res = await fetch(server.base + (opts.readyPath ?? '/health'), { redirect: 'manual', signal: AbortSignal.timeout(Math.max(1, Math.min(10_000, deadline - Date.now()))) });
        if (res.status < 400) return server;
      } catch {
        // not answering yet
      }
    }
    await sleep(50);
  }
  await stop('SIGKILL');
  throw new Error(`server not ready after ${timeoutMs} ms (${listeners} of ${want} listening lines):\n${out}`);
}
