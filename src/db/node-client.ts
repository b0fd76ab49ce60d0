import { createClient, type Client } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { schema, type Db } from './client';
import { createLocalClient } from './local-client';

const migrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), '../../drizzle');

/**
 * Opens the embedded libSQL database for Node (a file path, `file:` URL, `:memory:`, or a remote
 * `libsql://`/`http://` URL) and applies the migrations in `drizzle/`.
 */
export type NodeDb = Db & { $client: Client };

/** A libSQL server (sqld, Turso) rather than a local file or `:memory:`. */
export const isRemoteUrl = (url: string) => /^(libsql|https?|wss?):/.test(url);

/** The database URL for logs: a remote one without its query (`?authToken=…`) or user info. */
export function printableDatabaseUrl(url: string): string {
  if (!isRemoteUrl(url)) return url;
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString();
  } catch {
    return url.replace(/[?#].*$/, '').replace(/\/\/[^/]*@/, '//');
  }
}

export async function openNodeDb(url: string, authToken?: string): Promise<NodeDb> {
  const isFile = !isRemoteUrl(url);
  let client: Client;
  if (!isFile) client = createClient({ url, authToken });
  else if (url === ':memory:') client = createLocalClient(':memory:', { groupCommit: true });
  else {
    const path = url.replace(/^file:/, '');
    mkdirSync(dirname(resolve(path)), { recursive: true });
    client = createLocalClient(path, { groupCommit: true });
  }
  if (isFile && url !== ':memory:') {
    // WAL + NORMAL: measured ~3x faster writes than the defaults, still crash-safe for committed data.
    await client.execute('PRAGMA journal_mode = WAL');
    await client.execute('PRAGMA synchronous = NORMAL');
    // Checkpoint (copy WAL pages into the file) every 4000 pages rather than SQLite's 1000: pages
    // rewritten by every write (rollups, index edges) are copied once per checkpoint, not once per
    // 1000. With the click writer thread, that thread also checkpoints in the background.
    await client.execute('PRAGMA wal_autocheckpoint = 4000');
  }
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder });
  return db;
}
