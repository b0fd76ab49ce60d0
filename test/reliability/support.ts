import type { Client, InArgs, InStatement } from '@libsql/client';
import { expect } from 'vitest';
import type { TestApp } from '../helpers/app';

/** Tables that legitimately change on a refused request (replay bookkeeping) or never change. */
const SKIPPED_TABLES = new Set(['__drizzle_migrations', 'idempotency_keys']);

export function clientOf(t: TestApp): Client {
  return (t.db as unknown as { $client: Client }).$client;
}

/** Every application table, read from sqlite_master (so a new table is covered without edits). */
export async function tableNames(t: TestApp): Promise<string[]> {
  const res = await clientOf(t).execute(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`);
  return res.rows.map((r) => String(r.name)).filter((n) => !SKIPPED_TABLES.has(n));
}

/** Row count per table, in one round trip. */
export async function rowCounts(t: TestApp, tables: readonly string[]): Promise<Record<string, number>> {
  const sql = tables.map((n) => `select '${n}' as name, count(*) as n from "${n}"`).join(' union all ');
  const res = await clientOf(t).execute(sql);
  return Object.fromEntries(res.rows.map((r) => [String(r.name), Number(r.n)]));
}

/** Every row of every table (for a full before/after comparison that also catches updates). */
export async function fullSnapshot(t: TestApp, tables: readonly string[]): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const name of tables) {
    const res = await clientOf(t).execute(`select * from "${name}" order by rowid`);
    out[name] = res.rows.map((r) => Object.fromEntries(res.columns.map((c) => [c, r[c]])));
  }
  return out;
}

const CODE_OF_STATUS: Record<number, string> = {
  400: 'invalid_json',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  422: 'validation_failed',
  429: 'rate_limited',
};

export function defaultCodeOf(status: number): string | undefined {
  return CODE_OF_STATUS[status];
}

/** The one error shape: exactly `{error:{code,message,requestId,(reason),(field)}}`. */
export function expectErrorShape(label: string, body: any, code: string | undefined, res: Response) {
  expect(body, label).toBeTypeOf('object');
  expect(Object.keys(body), label).toEqual(['error']);
  const err = body.error;
  expect(err, label).toMatchObject({ code: code ?? expect.any(String), message: expect.any(String), requestId: expect.any(String) });
  expect(err.message.length, label).toBeGreaterThan(0);
  for (const k of Object.keys(err)) expect(['code', 'message', 'requestId', 'reason', 'field'], `${label}: key ${k}`).toContain(k);
  const rid = res.headers.get('x-request-id');
  if (rid) expect(err.requestId, label).toBe(rid);
}

export interface Captured {
  sql: string;
  args: InArgs;
}

/** Runs `fn` against the real database and returns every statement it sent (execute and batch). */
/** Runs `fn` against the real database and returns every statement it sent (execute and batch). */
export async function captureStatements(t: TestApp, fn: () => Promise<unknown>): Promise<Captured[]> {
  const client = clientOf(t);
  const { execute, batch } = client;
  const seen: Captured[] = [];
  const record = (stmt: InStatement, args?: InArgs) => seen.push(typeof stmt === 'string' ? { sql: stmt, args: args ?? [] } : { sql: stmt.sql, args: stmt.args ?? [] });
  Object.assign(client, {
    execute: (stmt: InStatement, args?: InArgs) => {
      record(stmt, args);
      return execute.call(client, stmt as never, args as never);
    },
    batch: (stmts: InStatement[], mode?: unknown) => {
      for (const s of stmts) record(s);
      return batch.call(client, stmts, mode as never);
    },
  });
  try {
    await fn();
  } finally {
    Object.assign(client, { execute, batch });
  }
  return seen;
}
