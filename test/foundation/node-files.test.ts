import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDatabaseFile, ensureJwtSecret } from '../../src/node-secrets';
import { openNodeDb } from '../../src/db/node-client';

// Node's own files: a new database file is created 600 like the secret, and the generated
// partner-token secret is named after its database (`<db>.jwt-secret`), the old shared
// `jwt-secret` still read for an existing install.
const mode = (path: string) => statSync(path).mode & 0o777;
const NO_SECRET = { JWT_SECRET: undefined, JWT_PRIVATE_KEY: undefined };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'reflink-files-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('database file mode', () => {
  it('a new database file (and its -wal and -shm) is 600 once SQLite has opened and migrated it', async () => {
    const file = join(dir, 'nested', 'reflink.db');
    expect(createDatabaseFile(file)).toBe(true);
    expect(mode(file)).toBe(0o600);
    const db = await openNodeDb(file);
    try {
      expect(mode(file)).toBe(0o600);
      expect(mode(`${file}-wal`)).toBe(0o600);
      expect(mode(`${file}-shm`)).toBe(0o600);
      expect(statSync(file).size).toBeGreaterThan(0);
    } finally {
      db.$client.close();
    }
    expect(createDatabaseFile(file)).toBe(false); // a restart: not new
    expect(createDatabaseFile(`file:${join(dir, 'other.db')}`)).toBe(true);
    expect(mode(join(dir, 'other.db'))).toBe(0o600);
  });

  it("an existing file keeps the operator's mode; :memory: and remote URLs create nothing", async () => {
    const file = join(dir, 'shared.db');
    writeFileSync(file, '');
    chmodSync(file, 0o640);
    expect(createDatabaseFile(file)).toBe(false);
    const db = await openNodeDb(file);
    db.$client.close();
    expect(mode(file)).toBe(0o640);
    expect(createDatabaseFile(':memory:')).toBe(false);
    expect(createDatabaseFile('libsql://db.example.test')).toBe(false);
  });
});

describe('generated JWT secret file', () => {
  it('is <database>.jwt-secret, mode 600, read again on restart, never logged; each database gets its own', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const a = join(dir, 'a.db');
    const b = join(dir, 'b.db');
    const envA = ensureJwtSecret(NO_SECRET, a, { newDatabase: createDatabaseFile(a) });
    const envB = ensureJwtSecret(NO_SECRET, `file:${b}`, { newDatabase: createDatabaseFile(b) });
    expect(mode(`${a}.jwt-secret`)).toBe(0o600);
    expect(mode(`${b}.jwt-secret`)).toBe(0o600);
    expect(envA.JWT_SECRET).toBe(readFileSync(`${a}.jwt-secret`, 'utf8').trim());
    expect(envA.JWT_SECRET!.length).toBeGreaterThanOrEqual(32);
    expect(envB.JWT_SECRET).not.toBe(envA.JWT_SECRET);
    expect(existsSync(join(dir, 'jwt-secret'))).toBe(false);
    expect(ensureJwtSecret(NO_SECRET, a, { newDatabase: createDatabaseFile(a) }).JWT_SECRET).toBe(envA.JWT_SECRET);
    expect(log.mock.calls.map((c) => c.join(' '))).toEqual([
      `Generated JWT_SECRET for partner sign-in in ${a}.jwt-secret`,
      `Generated JWT_SECRET for partner sign-in in ${b}.jwt-secret`,
    ]);
  });

  it('an existing install keeps reading the old `jwt-secret`; a new database beside it gets its own', () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const old = join(dir, 'reflink.db');
    writeFileSync(old, '');
    writeFileSync(join(dir, 'jwt-secret'), 'legacy-secret-0123456789abcdef-0123456789\n', { mode: 0o600 });
    expect(ensureJwtSecret(NO_SECRET, old, { newDatabase: createDatabaseFile(old) }).JWT_SECRET).toBe('legacy-secret-0123456789abcdef-0123456789');
    expect(existsSync(`${old}.jwt-secret`)).toBe(false);
    const fresh = join(dir, 'fresh.db');
    const env = ensureJwtSecret(NO_SECRET, fresh, { newDatabase: createDatabaseFile(fresh) });
    expect(env.JWT_SECRET).not.toBe('legacy-secret-0123456789abcdef-0123456789');
    expect(env.JWT_SECRET).toBe(readFileSync(`${fresh}.jwt-secret`, 'utf8').trim());
    // Once <database>.jwt-secret exists it wins over the old name.
    writeFileSync(`${old}.jwt-secret`, 'own-secret-0123456789abcdef-0123456789ab', { mode: 0o600 });
    expect(ensureJwtSecret(NO_SECRET, old).JWT_SECRET).toBe('own-secret-0123456789abcdef-0123456789ab');
  });

  it('a configured secret, :memory: or a remote database writes no file', () => {
    expect(ensureJwtSecret({ JWT_SECRET: 'set' }, join(dir, 'x.db')).JWT_SECRET).toBe('set');
    expect(ensureJwtSecret(NO_SECRET, ':memory:').JWT_SECRET!.length).toBeGreaterThanOrEqual(32);
    expect(ensureJwtSecret(NO_SECRET, 'libsql://db.example.test').JWT_SECRET!.length).toBeGreaterThanOrEqual(32);
    expect(existsSync(join(dir, 'x.db.jwt-secret'))).toBe(false);
  });
});
