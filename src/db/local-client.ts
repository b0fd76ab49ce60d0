import Database from 'libsql';
import { createClient, LibsqlBatchError, LibsqlError, type Client, type InArgs, type InStatement, type InValue, type ResultSet, type Row, type Transaction, type TransactionMode } from '@libsql/client';

/**
 * A libSQL client for a local file or `:memory:` that keeps its prepared statements.
 *
 * @libsql/client's local client prepares every statement on every call, asks it for its columns
 * twice, learns whether it returns rows by catching an exception, and builds each row with
 * `Object.defineProperty` per value. On the write paths (a sale is about ten statements, a click
 * batch a few big ones) that was about a fifth of the CPU. This one does the same work on the same
 * single connection with the same results and errors — rows that are array-like and keyed by
 * column name, integers checked into numbers, `BEGIN IMMEDIATE … COMMIT` batches that roll back as
 * a whole — but prepares a given SQL text once and reuses it.
 *
 * It holds ONE connection (as @libsql/client does for `:memory:`). Every call runs synchronously
 * to completion, so calls never interleave inside a batch. Interactive transactions, which would
 * hold that connection across awaits, get their own connection (files only; reflink uses none:
 * D1 has no interactive transactions).
 */
export function createLocalClient(path: string, opts: LocalClientOptions = {}): Client {
  return new LocalClient(path, opts);
}

export interface LocalClientOptions {
  /** How long a write waits for another connection's write lock (PRAGMA busy_timeout); default 5 s. */
  busyTimeoutMs?: number;
  /**
   * Group commit: 'write' batches that arrive in the same turn of the event loop are committed in
   * one transaction, each inside its own SAVEPOINT — so each is still all or nothing (a failing
   * one is rolled back to its savepoint and rejected alone), they apply in arrival order, and none
   * resolves before the shared COMMIT. Under concurrent load this writes each hot page (rollups,
   * index edges) to the WAL once per group instead of once per batch.
   *
   * With it, no write waits for a lock on the event loop: a single INSERT/UPDATE/DELETE through
   * `execute()` joins the queue as a one-statement batch, and a 'deferred' batch that writes is
   * run as a 'write' one (BEGIN IMMEDIATE, which is also what keeps it from failing at once with
   * SQLITE_BUSY when another connection committed since it began reading).
   */
  groupCommit?: boolean;
}

interface Queued {
  stmts: InStatement[];
  /** One statement from execute(): it fails as itself, not as a LibsqlBatchError. */
  single: boolean;
  resolve(results: ResultSet[]): void;
  reject(err: unknown): void;
}

type NativeDb = InstanceType<typeof Database>;
type NativeStatement = ReturnType<NativeDb['prepare']>;

interface Prepared {
  stmt: NativeStatement;
  reader: boolean;
  columns: string[];
  columnTypes: string[];
  Row: (new (values: unknown[]) => Row) | null;
}

const CACHE_MAX = 512;
/**
 * Long statements (multi-row INSERTs of a click batch: ~1 MB of native memory for 500 rows) are
 * kept apart and only a few of them: the full-size chunk repeats every batch, odd sizes rarely.
 */
const LONG_SQL = 8_192;
const LONG_CACHE_MAX = 8;
const VALUES = Symbol('values');
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_I64 = -9223372036854775808n;
const MAX_I64 = 9223372036854775807n;

class LocalResultSet implements ResultSet {
  constructor(
    readonly columns: string[],
    readonly columnTypes: string[],
    readonly rows: Row[],
    readonly rowsAffected: number,
    readonly lastInsertRowid: bigint | undefined,
  ) {}
  toJSON() {
    return {
      columns: this.columns,
      columnTypes: this.columnTypes,
      rows: this.rows.map((r) => Array.prototype.map.call(r, (v) => (typeof v === 'bigint' ? `${v}` : v instanceof ArrayBuffer ? Buffer.from(v).toString('base64') : v))),
      rowsAffected: this.rowsAffected,
      lastInsertRowid: this.lastInsertRowid !== undefined ? `${this.lastInsertRowid}` : null,
    };
  }
}

/**
 * A row type per statement: column names are own enumerable properties (the first of a repeated
 * name wins, as in @libsql/client); indexes and `length` are prototype getters, so the row is
 * array-like for drizzle (`Array.prototype.slice.call(row)`) and `Object.keys(row)` is the names.
 */
function rowClass(columns: readonly string[]): new (values: unknown[]) => Row {
  const names: [string, number][] = [];
  const seen = new Set<string>();
  columns.forEach((name, i) => {
    if (!seen.has(name)) names.push([name, i]);
    seen.add(name);
  });
  class LocalRow {
    [key: string]: unknown;
    constructor(values: unknown[]) {
      Object.defineProperty(this, VALUES, { value: values });
      for (const [name, i] of names) this[name] = values[i];
    }
  }
  Object.defineProperty(LocalRow.prototype, 'length', { value: columns.length });
  for (let i = 0; i < columns.length; i++) {
    Object.defineProperty(LocalRow.prototype, i, {
      get(this: { [VALUES]: unknown[] }) {
        return this[VALUES][i];
      },
    });
  }
  return LocalRow as unknown as new (values: unknown[]) => Row;
}

function toSql(value: InValue | undefined): unknown {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError('Only finite numbers (not Infinity or NaN) can be passed as arguments');
    return value;
  }
  if (typeof value === 'bigint') {
    if (value < MIN_I64 || value > MAX_I64) throw new RangeError('bigint is too large to be represented as a 64-bit integer and passed as argument');
    return value;
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (value instanceof Date) return value.valueOf();
  if (value === undefined) throw new TypeError('undefined cannot be passed as argument to the database');
  return value;
}

function fromSql(value: unknown): unknown {
  if (typeof value === 'bigint') {
    if (value < MIN_SAFE || value > MAX_SAFE) throw new RangeError('Received integer which cannot be safely represented as a JavaScript number');
    return Number(value);
  }
  if (value instanceof Buffer) return value.buffer;
  return value;
}

function argsOf(args: InArgs | undefined): unknown[] | Record<string, unknown> {
  if (args === undefined) return [];
  if (Array.isArray(args)) {
    const out = new Array<unknown>(args.length);
    for (let i = 0; i < args.length; i++) out[i] = toSql(args[i]);
    return out;
  }
  const named: Record<string, unknown> = {};
  for (const name in args) named[name[0] === '@' || name[0] === '$' || name[0] === ':' ? name.slice(1) : name] = toSql(args[name]);
  return named;
}

const BASE_CODES: Record<number, string> = {
  1: 'SQLITE_ERROR', 2: 'SQLITE_INTERNAL', 3: 'SQLITE_PERM', 4: 'SQLITE_ABORT', 5: 'SQLITE_BUSY', 6: 'SQLITE_LOCKED',
  7: 'SQLITE_NOMEM', 8: 'SQLITE_READONLY', 9: 'SQLITE_INTERRUPT', 10: 'SQLITE_IOERR', 11: 'SQLITE_CORRUPT',
  12: 'SQLITE_NOTFOUND', 13: 'SQLITE_FULL', 14: 'SQLITE_CANTOPEN', 15: 'SQLITE_PROTOCOL', 16: 'SQLITE_EMPTY',
  17: 'SQLITE_SCHEMA', 18: 'SQLITE_TOOBIG', 19: 'SQLITE_CONSTRAINT', 20: 'SQLITE_MISMATCH', 21: 'SQLITE_MISUSE',
  22: 'SQLITE_NOLFS', 23: 'SQLITE_AUTH', 24: 'SQLITE_FORMAT', 25: 'SQLITE_RANGE', 26: 'SQLITE_NOTADB',
  27: 'SQLITE_NOTICE', 28: 'SQLITE_WARNING',
};

/** The error @libsql/client would throw: a LibsqlError with the base code, the extended one, and the cause. */
function mapError(e: unknown): unknown {
  if (e instanceof Database.SqliteError) {
    const err = e as Error & { code: string; rawCode?: number };
    const base = err.rawCode === undefined ? 'SQLITE_UNKNOWN' : (BASE_CODES[err.rawCode & 0xff] ?? `SQLITE_UNKNOWN_${err.rawCode & 0xff}`);
    return new LibsqlError(err.message, base, err.code, err.rawCode, err);
  }
  return e;
}

/** Data-changing statements (DDL, PRAGMAs and reads run directly; `WITH … INSERT` is not used). */
const WRITE_SQL = /^\s*(?:insert|update|delete|replace)\b/i;
const isWrite = (s: InStatement) => WRITE_SQL.test(typeof s === 'string' ? s : s.sql);

const BEGIN: Record<TransactionMode, string> = { write: 'BEGIN IMMEDIATE', read: 'BEGIN TRANSACTION READONLY', deferred: 'BEGIN DEFERRED' };

class LocalClient implements Client {
  closed = false;
  readonly protocol = 'file';
  private db: NativeDb;
  private readonly cache = new Map<string, Prepared>();
  private readonly longCache = new Map<string, Prepared>();
  private txClient: Client | null = null;
  private readonly groupCommit: boolean;
  private queued: Queued[] = [];
  private queuedSince = 0;
  private readonly busyTimeoutMs: number;

  constructor(
    private readonly path: string,
    opts: LocalClientOptions,
  ) {
    this.groupCommit = opts.groupCommit ?? false;
    this.busyTimeoutMs = opts.busyTimeoutMs ?? 5_000;
    this.db = this.open();
  }

  private open(): NativeDb {
    const db = new Database(this.path === ':memory:' ? 'file::memory:' : this.path);
    db.exec(`PRAGMA busy_timeout = ${this.busyTimeoutMs}`);
    return db;
  }

  private prepared(sql: string): Prepared {
    const cache = sql.length > LONG_SQL ? this.longCache : this.cache;
    let p = cache.get(sql);
    if (p) return p;
    const stmt = this.db.prepare(sql);
    stmt.safeIntegers(true);
    const reader = stmt.reader;
    let columns: string[] = [];
    let columnTypes: string[] = [];
    if (reader) {
      stmt.raw(true);
      const defs = stmt.columns();
      columns = defs.map((c) => c.name);
      columnTypes = defs.map((c) => c.type ?? '');
    }
    p = { stmt, reader, columns, columnTypes, Row: reader ? rowClass(columns) : null };
    if (cache.size >= (cache === this.cache ? CACHE_MAX : LONG_CACHE_MAX)) cache.delete(cache.keys().next().value!);
    cache.set(sql, p);
    return p;
  }

  private run(stmt: InStatement | string): ResultSet {
    const sql = typeof stmt === 'string' ? stmt : stmt.sql;
    const args = typeof stmt === 'string' ? [] : argsOf(stmt.args);
    try {
      const p = this.prepared(sql);
      if (p.reader) {
        const raw = p.stmt.all(args) as unknown[][];
        const rows = new Array<Row>(raw.length);
        for (let r = 0; r < raw.length; r++) {
          const values = raw[r]!;
          for (let i = 0; i < values.length; i++) values[i] = fromSql(values[i]);
          rows[r] = new p.Row!(values);
        }
        return new LocalResultSet(p.columns, p.columnTypes, rows, 0, undefined);
      }
      const info = p.stmt.run(args);
      return new LocalResultSet([], [], [], info.changes, BigInt(info.lastInsertRowid));
    } catch (e) {
      throw mapError(e);
    }
  }

  private clearCache(): void {
    this.cache.clear();
    this.longCache.clear();
  }

  private check(): void {
    if (this.closed) throw new LibsqlError('The client is closed', 'CLIENT_CLOSED');
  }

  async execute(stmtOrSql: InStatement | string, args?: InArgs): Promise<ResultSet> {
    this.check();
    const stmt = typeof stmtOrSql === 'string' ? { sql: stmtOrSql, args: args ?? [] } : stmtOrSql;
    if (!this.groupCommit || !isWrite(stmt)) return this.run(stmt);
    return (await this.enqueue([stmt], true))[0]!;
  }

  async batch(stmts: Array<InStatement | [string, InArgs?]>, mode: TransactionMode = 'deferred'): Promise<ResultSet[]> {
    this.check();
    const list = stmts.map((s) => (Array.isArray(s) ? { sql: s[0], args: s[1] ?? [] } : s));
    if (!this.groupCommit || mode === 'read' || (mode === 'deferred' && !list.some(isWrite))) return this.inTransaction(BEGIN[mode], list);
    return this.enqueue(list, false);
  }

  /** Queues statements for the next group commit; they resolve after its COMMIT. */
  private enqueue(stmts: InStatement[], single: boolean): Promise<ResultSet[]> {
    return new Promise<ResultSet[]>((resolve, reject) => {
      if (this.queued.push({ stmts, single, resolve, reject }) === 1) {
        this.queuedSince = Date.now();
        setImmediate(() => this.commitQueued());
      }
    });
  }

  /** One transaction for every queued 'write' batch, a savepoint each (see `groupCommit`). */
  private commitQueued(): void {
    if (this.queued.length === 0) return;
    if (this.closed) {
      const group = this.queued;
      this.queued = [];
      for (const q of group) q.reject(new LibsqlError('The client is closed', 'CLIENT_CLOSED'));
      return;
    }
    let began: boolean;
    try {
      began = this.tryBegin();
    } catch (e) {
      const group = this.queued;
      this.queued = [];
      for (const q of group) q.reject(e);
      return;
    }
    if (!began) {
      // Another connection (another process, or the click writer thread) holds the write lock.
      // Waiting for it here would freeze the event loop, so the group waits asynchronously (and
      // keeps growing) for as long as busy_timeout would have waited.
      if (Date.now() - this.queuedSince < this.busyTimeoutMs) {
        setTimeout(() => this.commitQueued(), 1);
        return;
      }
      const group = this.queued;
      this.queued = [];
      for (const q of group) q.reject(new LibsqlError('database is locked', 'SQLITE_BUSY'));
      return;
    }
    const group = this.queued;
    this.queued = [];
    const outcomes: ({ ok: true; results: ResultSet[] } | { ok: false; error: unknown })[] = [];
    try {
      if (group.length === 1) {
        outcomes.push({ ok: true, results: this.runQueued(group[0]!) });
      } else {
        for (const q of group) {
          this.run('SAVEPOINT reflink_batch');
          try {
            outcomes.push({ ok: true, results: this.runQueued(q) });
            this.run('RELEASE reflink_batch');
          } catch (error) {
            if (!this.db.inTransaction) throw error; // the whole transaction is gone: nothing commits
            this.run('ROLLBACK TO reflink_batch');
            this.run('RELEASE reflink_batch');
            outcomes.push({ ok: false, error });
          }
        }
      }
      this.run('COMMIT');
    } catch (e) {
      try {
        if (this.db.open && this.db.inTransaction) this.run('ROLLBACK');
      } finally {
        for (const q of group) q.reject(e);
      }
      return;
    }
    group.forEach((q, i) => {
      const o = outcomes[i]!;
      if (o.ok) q.resolve(o.results);
      else q.reject(o.error);
    });
  }

  /** BEGIN IMMEDIATE without SQLite's blocking busy wait: false when another connection writes. */
  private tryBegin(): boolean {
    this.run('PRAGMA busy_timeout = 0');
    try {
      this.run(BEGIN.write);
      return true;
    } catch (e) {
      if (e instanceof LibsqlError && e.code === 'SQLITE_BUSY') return false;
      throw e;
    } finally {
      this.run(`PRAGMA busy_timeout = ${this.busyTimeoutMs}`);
    }
  }

  async migrate(stmts: InStatement[]): Promise<ResultSet[]> {
    this.check();
    this.run('PRAGMA foreign_keys=off');
    try {
      return this.inTransaction(BEGIN.deferred, stmts);
    } finally {
      this.run('PRAGMA foreign_keys=on');
      this.clearCache(); // a migration may change what a cached statement's columns are
    }
  }

  private runQueued(q: Queued): ResultSet[] {
    return q.single ? [this.run(q.stmts[0]!)] : this.runAll(q.stmts);
  }

  /** The statements of a batch, in an open transaction; a failure names its statement. */
  private runAll(stmts: InStatement[]): ResultSet[] {
    const results: ResultSet[] = [];
    for (let i = 0; i < stmts.length; i++) {
      try {
        if (!this.db.inTransaction) throw new LibsqlBatchError('The transaction has been rolled back', i, 'TRANSACTION_CLOSED');
        results.push(this.run(stmts[i]!));
      } catch (e) {
        if (e instanceof LibsqlBatchError) throw e;
        if (e instanceof LibsqlError) throw new LibsqlBatchError(e.message, i, e.code, e.extendedCode, e.rawCode, e.cause instanceof Error ? e.cause : undefined);
        throw e;
      }
    }
    return results;
  }

  private inTransaction(begin: string, stmts: InStatement[]): ResultSet[] {
    this.run(begin);
    try {
      const results = this.runAll(stmts);
      this.run('COMMIT');
      return results;
    } finally {
      if (this.db.open && this.db.inTransaction) this.run('ROLLBACK');
    }
  }

  async transaction(mode: TransactionMode = 'write'): Promise<Transaction> {
    this.check();
    if (this.path === ':memory:') throw new LibsqlError('Interactive transactions need a database file (this client has one connection)', 'TRANSACTION_ACTIVE');
    this.txClient ??= createClient({ url: `file:${this.path}` });
    return this.txClient.transaction(mode);
  }

  async executeMultiple(sql: string): Promise<void> {
    this.check();
    try {
      this.db.exec(sql);
    } catch (e) {
      throw mapError(e);
    } finally {
      this.clearCache();
    }
  }

  async sync(): Promise<never> {
    throw new LibsqlError('sync is not supported by the local client', 'SYNC_NOT_SUPPORTED');
  }

  close(): void {
    this.commitQueued(); // batches already handed in are committed (or rejected) first
    this.closed = true;
    this.clearCache();
    this.txClient?.close();
    if (this.db.open) this.db.close();
  }

  reconnect(): void {
    this.commitQueued();
    this.clearCache();
    if (this.db.open) this.db.close();
    this.db = this.open();
    this.closed = false;
  }
}
