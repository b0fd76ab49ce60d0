import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isRemoteUrl } from './db/node-client';
import { randomToken } from './lib/hash';

/**
 * Partner sign-in needs JWT_SECRET. When a self-hosted Node instance has none, one is generated on
 * first start and kept beside the database file (mode 600) — never in the database or the logs —
 * so portal sessions survive restarts. For :memory: or remote databases it lives only in memory.
 */
export function ensureJwtSecret(env: Record<string, string | undefined>, databaseUrl: string): Record<string, string | undefined> {
  if (env.JWT_SECRET || env.JWT_PRIVATE_KEY) return env;
  const isFile = databaseUrl !== ':memory:' && !isRemoteUrl(databaseUrl);
  if (!isFile) return { ...env, JWT_SECRET: randomToken(48) };
  const path = join(dirname(resolve(databaseUrl.replace(/^file:/, ''))), 'jwt-secret');
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, randomToken(48), { mode: 0o600, flag: 'wx' });
    console.log(`Generated JWT_SECRET for partner sign-in in ${path}`);
  }
  return { ...env, JWT_SECRET: readFileSync(path, 'utf8').trim() };
}
