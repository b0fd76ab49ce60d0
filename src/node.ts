import cluster from 'node:cluster';
import { createNodeRuntime } from './node-runtime';
import { createNodeServer, listen } from './node-server';
import { createDatabaseFile, ensureJwtSecret } from './node-secrets';
import { readNodeSettings } from './node-settings';
import { randomToken } from './lib/hash';
import { countApiKeys } from './db/queries/api-keys';
import { mintApiKey } from './api-keys/routes';
import { startJobTimer } from './jobs/start-job-timer';
import { openNodeDb, printableDatabaseUrl } from './db/node-client';
import type { Db } from './db/client';

const { databaseUrl, authToken, hostname, port, workers, approveEveryMs } = readNodeSettings(process.env);
// A new database file is created 600 first; a new one never takes an older database's jwt-secret.
const newDatabase = createDatabaseFile(databaseUrl);
const env = ensureJwtSecret(process.env, databaseUrl, { newDatabase });

/** First run without a configured root key: mint one, show it once, keep only its hash. */
async function ensureAdminKey(db: Db) {
  if (env.ADMIN_API_KEY || (await countApiKeys(db)) > 0) return;
  const { secret } = await mintApiKey(db, 'root (generated on first run)', ['*'], new Date());
  console.log(`\nGenerated an admin API key (shown once, only its hash is stored):\n\n  ${secret}\n`);
}

if (workers > 1 && cluster.isPrimary) {
  // The primary migrates and mints the first key before any worker opens the file, then only
  // supervises: a signal is passed on to every worker, each drains its clicks, then we exit.
  const db = await openNodeDb(databaseUrl, authToken);
  await ensureAdminKey(db);
  db.$client.close();
  let stopping = false;
  const indexOf = new Map<number, number>();
  // Without VISITOR_SALT or ADMIN_API_KEY each process would draw its own random salt, so one
  // visitor's repeat clicks served by different processes would each count as unique: draw it once.
  const visitorSalt = env.VISITOR_SALT || env.ADMIN_API_KEY ? {} : { VISITOR_SALT: randomToken(32) };
  const fork = (index: number) => indexOf.set(cluster.fork({ ...visitorSalt, REFLINK_WORKER_INDEX: String(index) }).id, index);
  // A worker that exits before it listens (port taken, bad setting) would fail again if replaced:
  // then everything stops and the primary exits 1, rather than forking new workers forever.
  const listening = new Set<number>();
  let exitCode = 0;
  for (let i = 0; i < workers; i++) fork(i);
  cluster.on('listening', (worker) => listening.add(worker.id));
  cluster.on('exit', (worker, code, signal) => {
    const index = indexOf.get(worker.id) ?? 0;
    indexOf.delete(worker.id);
    if (!stopping && !listening.has(worker.id)) {
      console.error(`a worker failed to start (code ${code}); stopping`);
      exitCode = 1;
      stop('SIGTERM');
    }
    listening.delete(worker.id);
    if (stopping) {
      if (code) exitCode = 1; // a worker that could not write its clicks
      if (indexOf.size === 0) process.exit(exitCode);
      return;
    }
    console.error('worker exited; starting another', { pid: worker.process.pid, code, signal });
    fork(index);
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} else {
  const runtime = await createNodeRuntime({ databaseUrl, authToken, env, sharedFile: workers > 1, sendWebhooksSoon: true });
  if (workers === 1) await ensureAdminKey(runtime.db);

  const server = createNodeServer(runtime);
  const boundPort = await listen(server, port, hostname);
  const who = workers > 1 ? ` (worker ${process.env.REFLINK_WORKER_INDEX} of ${workers})` : '';
  console.log(`reflink listening on http://${hostname}:${boundPort}${who} (database: ${printableDatabaseUrl(databaseUrl)})`);

  // The Workers cron's counterpart (approvals, expired Idempotency-Keys and token revocations), in one process: first
  // shortly after start — the database is migrated and we listen — then every interval.
  const stopJobs = (process.env.REFLINK_WORKER_INDEX ?? '0') === '0' ? startJobTimer(runtime.deps, approveEveryMs) : () => {};

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    stopJobs();
    console.log(`${signal}: flushing buffered clicks and stopping${who}`);
    server.close();
    try {
      await runtime.close();
      process.exit(0);
    } catch (err) {
      // Clicks that could not be written (database unreachable): said, and not a clean exit.
      console.error(`${signal}: stopped with clicks not written`, String(err));
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
