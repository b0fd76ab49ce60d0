import { createNodeRuntime } from './node-runtime';
import { createNodeServer, listen } from './node-server';
import { ensureJwtSecret } from './node-secrets';
import { countApiKeys } from './db/queries/api-keys';
import { mintApiKey } from './api-keys/routes';
import { approveCommissions } from './ledger/approve-commissions';

const env = ensureJwtSecret(process.env, process.env.DATABASE_URL ?? './.data/reflink.db');
const port = Number(env.PORT ?? 8787);
const hostname = env.HOST ?? '127.0.0.1';
const databaseUrl = env.DATABASE_URL ?? './.data/reflink.db';

const runtime = await createNodeRuntime({ databaseUrl, authToken: env.DATABASE_AUTH_TOKEN, env });

if (!env.ADMIN_API_KEY && (await countApiKeys(runtime.db)) === 0) {
  // First run without a configured root key: mint one, show it once, keep only its hash.
  const { secret } = await mintApiKey(runtime.db, 'root (generated on first run)', ['*'], new Date());
  console.log(`\nGenerated an admin API key (shown once, only its hash is stored):\n\n  ${secret}\n`);
}

const server = createNodeServer(runtime);
const boundPort = await listen(server, port, hostname);
console.log(`reflink listening on http://${hostname}:${boundPort} (database: ${databaseUrl})`);

// The Workers cron's counterpart: approve commissions whose hold has passed.
const approveEveryMs = Number(env.APPROVE_INTERVAL_SECONDS ?? 300) * 1000;
const approveTimer = setInterval(() => {
  approveCommissions(runtime.db, new Date()).catch((err: unknown) => console.error('approve job failed', String(err)));
}, approveEveryMs);
approveTimer.unref();

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: flushing buffered clicks and stopping`);
  server.close();
  try {
    await runtime.close();
  } finally {
    process.exit(0);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
