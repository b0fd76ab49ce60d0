import { expect } from 'vitest';
import type { Client } from '@libsql/client';
import type { TestApp } from '../helpers/app';

export const CHROME_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
export const FIREFOX_WIN = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0';
export const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

/** Asserts the one error shape `{error:{code,message,requestId}}` with the given status and code. */
export function expectApiError(r: { status: number; body: any; res?: Response }, status: number, code: string, field?: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body).toMatchObject({ error: { code, message: expect.any(String), requestId: expect.any(String) } });
  expect(r.body.error.message.length).toBeGreaterThan(0);
  if (field !== undefined) {
    expect(r.body.error.field).toBe(field);
    expect(r.body.error.message).toContain(field);
  }
}

/** The libSQL client under the drizzle handle, for raw SQL in assertions. */
export function rawClient(t: TestApp): Client {
  return (t.db as unknown as { $client: Client }).$client;
}

/** Row count of one table, read straight from the database. */
export async function countRows(t: TestApp, table: 'api_keys' | 'programs' | 'partners' | 'links' | 'clicks'): Promise<number> {
  const res = await rawClient(t).execute(`select count(*) as n from ${table}`);
  return Number(res.rows[0]!.n);
}

/** Every row of a table as plain objects (raw column names). */
export async function rawRows(t: TestApp, table: string): Promise<Record<string, unknown>[]> {
  const res = await rawClient(t).execute(`select * from ${table}`);
  return res.rows.map((r) => Object.fromEntries(res.columns.map((c) => [c, r[c]])));
}

/** A short-link visit as a browser would make it (no admin credentials). */
export function visit(t: TestApp, path: string, headers: Record<string, string> = {}, method = 'GET') {
  return t.app.request(path.startsWith('/') ? path : `/${path}`, {
    method,
    headers: { 'user-agent': CHROME_MAC, ...headers },
  });
}

/** The click id a redirect put into its Location, or null. */
export function clickIdOf(res: Response, param = 'rcid'): string | null {
  const loc = res.headers.get('location');
  return loc ? new URL(loc).searchParams.get(param) : null;
}

/** A fresh program without partners. */
export async function createProgram(t: TestApp, overrides: Record<string, unknown> = {}) {
  const r = await t.json('POST', '/v1/programs', {
    name: 'Acme referrals',
    currency: 'EUR',
    defaultUrl: 'https://acme.test/signup',
    allowedHosts: ['acme.test', '*.acme.test'],
    ...overrides,
  });
  if (r.status !== 201) throw new Error(`program: ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function createLink(t: TestApp, partnerId: string, input: Record<string, unknown> = {}) {
  const r = await t.json('POST', `/v1/partners/${partnerId}/links`, input);
  if (r.status !== 201) throw new Error(`link: ${JSON.stringify(r.body)}`);
  return r.body;
}
