import { createClient, LibsqlBatchError, LibsqlError, type Client } from '@libsql/client';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalClient } from '../../src/db/local-client';

// The caching local client must answer exactly as @libsql/client's own local client does: same
// rows (array-like and keyed by name), same numbers, same errors, same all-or-nothing batches.
const dir = mkdtempSync(join(tmpdir(), 'reflink-local-client-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SETUP = [
  'create table t (id text primary key, n integer not null, f real, b blob, s text)',
  "insert into t values ('a', 1, 1.5, x'0102', 'x'), ('b', 9007199254740990, null, null, null)",
];

async function both(name: string): Promise<[Client, Client]> {
  const ours = createLocalClient(join(dir, `${name}-ours.db`));
  const theirs = createClient({ url: `file:${join(dir, `${name}-theirs.db`)}` });
  for (const c of [ours, theirs]) for (const s of SETUP) await c.execute(s);
  return [ours, theirs];
}

const plain = (rs: { columns: string[]; rows: ArrayLike<unknown>[]; rowsAffected: number }) => ({
  columns: rs.columns,
  byIndex: rs.rows.map((r) => Array.prototype.slice.call(r)),
  byName: rs.rows.map((r) => ({ ...r })),
  keys: rs.rows.map((r) => Object.keys(r)),
  rowsAffected: rs.rowsAffected,
});

describe('local libSQL client (statement cache)', () => {
  it('returns the same rows, columns and counts as @libsql/client, on repeated (cached) statements', async () => {
    const [ours, theirs] = await both('rows');
    for (let i = 0; i < 3; i++) {
      for (const stmt of [
        { sql: 'select id, n, f, s, id as id from t order by id', args: [] },
        { sql: 'select * from t where n > ?', args: [0] },
        { sql: 'select count(*) as c, sum(n) as total from t where id in (?, ?)', args: ['a', 'b'] },
        { sql: 'select id from t where id = :id', args: { id: 'a' } },
      ]) {
        expect(plain(await ours.execute(stmt))).toEqual(plain(await theirs.execute(stmt)));
      }
      const upd = { sql: 'update t set s = ? where n >= ?', args: [`v${i}`, 1] };
      expect((await ours.execute(upd)).rowsAffected).toBe(2);
      expect((await theirs.execute(upd)).rowsAffected).toBe(2);
    }
    const blob = (await ours.execute("select b from t where id = 'a'")).rows[0]![0] as ArrayBuffer;
    expect([...new Uint8Array(blob).slice(0, 2)]).toEqual([1, 2]);
  });

  it('binds booleans, dates and bigints as @libsql/client does and refuses unsafe integers', async () => {
    const [ours, theirs] = await both('values');
    for (const c of [ours, theirs]) await c.execute({ sql: 'insert into t (id, n, f) values (?, ?, ?)', args: ['d', true, new Date(1_000)] });
    expect(plain(await ours.execute("select n, f from t where id = 'd'"))).toEqual(plain(await theirs.execute("select n, f from t where id = 'd'")));
    await ours.execute({ sql: "update t set n = ? where id = 'b'", args: [9007199254740993n] });
    await expect(ours.execute("select n from t where id = 'b'")).rejects.toThrow(RangeError);
    await expect(ours.execute({ sql: 'select ?', args: [undefined as never] })).rejects.toThrow(TypeError);
  });

  it('rolls back a failed batch as a whole and reports the failing statement', async () => {
    const [ours] = await both('batch');
    const err = await ours
      .batch([{ sql: "insert into t (id, n) values ('c', 3)", args: [] }, { sql: "insert into t (id, n) values ('a', 4)", args: [] }], 'write')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibsqlBatchError);
    expect((err as LibsqlBatchError).statementIndex).toBe(1);
    expect((err as LibsqlError).code).toBe('SQLITE_CONSTRAINT');
    expect((err as Error).message).toMatch(/UNIQUE constraint failed: t\.id/);
    expect((await ours.execute('select count(*) as c from t')).rows[0]!.c).toBe(2);
    // the connection is usable again and the same statements (now cached) work
    await ours.batch([{ sql: "insert into t (id, n) values ('c', 3)", args: [] }], 'write');
    expect((await ours.execute('select count(*) as c from t')).rows[0]!.c).toBe(3);
  });

  it('maps errors outside batches to LibsqlError with the base and extended codes', async () => {
    const [ours] = await both('errors');
    const err = await ours.execute("insert into t (id, n) values ('a', 1)").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibsqlError);
    expect((err as LibsqlError).code).toBe('SQLITE_CONSTRAINT');
    expect((err as LibsqlError).extendedCode).toBe('SQLITE_CONSTRAINT_PRIMARYKEY');
    await expect(ours.execute('select nope from t')).rejects.toThrow(/no such column/);
    // the same with group commit, where a write through execute() is queued as a batch of one
    const grouped = createLocalClient(join(dir, 'errors-grouped.db'), { groupCommit: true });
    for (const stmt of SETUP) await grouped.execute(stmt);
    const gerr = await grouped.execute("insert into t (id, n) values ('a', 1)").catch((e: unknown) => e);
    expect(gerr).toBeInstanceOf(LibsqlError);
    expect(gerr).not.toBeInstanceOf(LibsqlBatchError);
    expect([(gerr as LibsqlError).code, (gerr as LibsqlError).extendedCode, (gerr as Error).message]).toEqual([
      (err as LibsqlError).code,
      (err as LibsqlError).extendedCode,
      (err as Error).message,
    ]);
    const changed = await grouped.execute({ sql: 'update t set n = n + 1 where id = ? returning n', args: ['a'] });
    expect(changed.rows.map((r) => r.n)).toEqual([2]);
    grouped.close();
  });

  it('serves :memory: on one connection and gives interactive transactions their own (files only)', async () => {
    const mem = createLocalClient(':memory:');
    await mem.execute('create table m (x integer)');
    await mem.batch(['insert into m values (1)', 'insert into m values (2)']);
    expect((await mem.execute('select sum(x) as s from m')).rows[0]!.s).toBe(3);
    await expect(mem.transaction()).rejects.toThrow(/database file/);
    mem.close();
    await expect(mem.execute('select 1')).rejects.toThrow(/closed/);

    const [file] = await both('tx');
    const tx = await file.transaction('write');
    await tx.execute("insert into t (id, n) values ('z', 26)");
    await tx.commit();
    expect((await file.execute("select n from t where id = 'z'")).rows[0]!.n).toBe(26);
  });

  it('group commit: batches of one event-loop turn share a transaction, each all or nothing, in order', async () => {
    const c = createLocalClient(join(dir, 'group.db'), { groupCommit: true });
    for (const stmt of SETUP) await c.execute(stmt);
    const ins = (id: string, n: number) => ({ sql: 'insert into t (id, n) values (?, ?)', args: [id, n] });
    const settled = await Promise.allSettled([
      c.batch([ins('g1', 1), ins('g2', 2)], 'write'),
      c.batch([ins('g3', 3), ins('a', 4)], 'write'), // 'a' exists: this batch alone is rolled back
      c.batch([{ sql: "update t set n = n + 10 where id = 'g1'", args: [] }], 'write'), // sees the first batch
      c.batch([ins('g4', 4)], 'write'),
    ]);
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const failed = (settled[1] as PromiseRejectedResult).reason as LibsqlBatchError;
    expect(failed).toBeInstanceOf(LibsqlBatchError);
    expect(failed.statementIndex).toBe(1);
    const rows = await c.execute("select id, n from t where id like 'g%' order by id");
    expect(rows.rows.map((r) => [r.id, r.n])).toEqual([['g1', 11], ['g2', 2], ['g4', 4]]);
    // A batch alone in its turn is a plain transaction; a 'deferred' batch that writes is queued too.
    await c.batch([ins('g5', 5)], 'write');
    await c.batch([ins('g6', 6)]);
    expect((await c.execute("select count(*) as n from t where id like 'g%'")).rows[0]!.n).toBe(5);
    c.close();
  });

  it('group commit waits for another connection’s write lock without blocking the event loop', async () => {
    const file = join(dir, 'locked.db');
    const c = createLocalClient(file, { groupCommit: true, busyTimeoutMs: 300 });
    await c.execute('create table w (x integer)');
    const other = createClient({ url: `file:${file}` });
    const tx = await other.transaction('write'); // holds the write lock
    await tx.execute('insert into w values (1)');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const waiting = c.batch([{ sql: 'insert into w values (2)', args: [] }], 'write');
    await new Promise((r) => setTimeout(r, 100));
    expect(ticks).toBeGreaterThan(5); // the loop kept turning while the batch waited
    await tx.commit();
    await waiting;
    expect((await c.execute('select sum(x) as s from w')).rows[0]!.s).toBe(3);
    // held past busy_timeout: the batch fails as SQLite's own busy wait would (retryable)
    const tx2 = await other.transaction('write');
    await expect(c.batch([{ sql: 'insert into w values (4)', args: [] }], 'write')).rejects.toThrow(/database is locked/);
    await tx2.rollback();
    // a single write through execute() and a 'deferred' batch that writes (drizzle's db.batch) wait the same way
    const tx3 = await other.transaction('write');
    const before = ticks;
    const single = c.execute('insert into w values (8)');
    const deferred = c.batch([{ sql: 'insert into w values (16)', args: [] }]);
    await new Promise((r) => setTimeout(r, 100));
    expect(ticks - before).toBeGreaterThan(5);
    await tx3.commit();
    expect((await single).rowsAffected).toBe(1);
    await deferred;
    expect((await c.execute('select sum(x) as s from w')).rows[0]!.s).toBe(27);
    clearInterval(timer);
    other.close();
    c.close();
  });
});
