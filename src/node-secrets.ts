import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isRemoteUrl } from './db/node-client';
import { randomToken } from './lib/hash';

/** The file behind a local DATABASE_URL (a path or `file:` URL); null for :memory: or a remote URL. */
export function localDatabasePath(databaseUrl: string): string | null {
  if (databaseUrl === ':memory:' || isRemoteUrl(databaseUrl)) return null;
  return resolve(databaseUrl.replace(/^file:/, ''));
}

/**
 * Creates a missing database file empty with mode 600 before SQLite opens it (SQLite would create
 * it 644: customer emails and key hashes readable by every local user; its -wal and -shm files
 * take the database file's mode). An existing file keeps the mode its operator gave it. Returns
 * true when the file was created now (a new install).
 */
export function createDatabaseFile(databaseUrl: string): boolean {
  const path = localDatabasePath(databaseUrl);
  if (path === null || existsSync(path)) return false;
  mkdirSync(dirname(path), { recursive: true });
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false; // another process (a cluster worker) made it first
    throw err;
  }
  return true;
}

/**
 * Partner sign-in needs JWT_SECRET. When a self-hosted Node instance has none, one is generated on
 * first start and kept beside the database file as `<database file>.jwt-secret` (mode 600) — never
 * in the database or the logs — so portal sessions survive restarts, and two databases in one
 * directory never share one. An install from before that name kept it in `jwt-secret` in the same
 * directory: while the database is not new and `<database>.jwt-secret` does not exist, that file is
 * read (and left where it is). For :memory: or remote databases the secret lives only in memory.
 */
export function ensureJwtSecret(env: Record<string, string | undefined>, databaseUrl: string, opts: { newDatabase?: boolean } = {}): Record<string, string | undefined> {
  if (env.JWT_SECRET || env.JWT_PRIVATE_KEY) return env;
  const database = localDatabasePath(databaseUrl);
  if (database === null) return { ...env, JWT_SECRET: randomToken(48) };
  const path = `${database}.jwt-secret`;
  const legacy = join(dirname(database), 'jwt-secret');
  if (!existsSync(path) && !opts.newDatabase && existsSync(database) && existsSync(legacy)) {
    return { ...env, JWT_SECRET: readFileSync(legacy, 'utf8').trim() };
  }
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    try {
      writeFileSync(path, randomToken(48), { mode: 0o600, flag: 'wx' });
      console.log(`Generated JWT_SECRET for partner sign-in in ${path}`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return { ...env, JWT_SECRET: readFileSync(path, 'utf8').trim() };
}
