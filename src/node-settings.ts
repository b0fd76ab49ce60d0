import { numberVar } from './env';

/**
 * Node's own settings (README, Set-up). An empty variable is the same as an unset one: an empty
 * DATABASE_URL used to open SQLite's throwaway temporary database (everything gone at exit) and an
 * empty HOST to listen on every interface. A malformed number is a start-up error (numberVar).
 */
export function readNodeSettings(env: Record<string, string | undefined>) {
  const databaseUrl = env.DATABASE_URL || './.data/reflink.db';
  // WORKERS > 1: that many Node processes serve the same port and database file (node:cluster).
  const workers = numberVar(env, 'WORKERS', 1, { min: 1, max: 64, integer: true });
  // Each process would open its own empty in-memory database (and the primary's key would open none).
  if (workers > 1 && databaseUrl === ':memory:') throw new Error('WORKERS > 1 needs a database file or a remote DATABASE_URL, not :memory:');
  return {
    databaseUrl,
    authToken: env.DATABASE_AUTH_TOKEN || undefined,
    hostname: env.HOST || '127.0.0.1',
    port: numberVar(env, 'PORT', 8787, { min: 0, max: 65535, integer: true }),
    workers,
    // setInterval takes at most 2^31-1 ms; beyond it (or NaN) Node runs the job every millisecond.
    approveEveryMs: numberVar(env, 'APPROVE_INTERVAL_SECONDS', 300, { min: 1, max: 2_147_483 }) * 1000,
  };
}
