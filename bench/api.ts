import { createClient, type Client } from '@libsql/client';
import type { SpawnedServer } from '../test/helpers/spawn-server';

export const ADMIN_KEY = 'bench-admin-key-0123456789abcdefgh';

/** A JSON call against a spawned server with the admin key; throws on an unexpected status. */
export async function api<T = any>(s: SpawnedServer, method: string, path: string, body?: unknown, expect = [200, 201]): Promise<T> {
  const res = await fetch(s.base + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!expect.includes(res.status)) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** A program on shop.test with `partners` partners, each with its referral code; hold 0 days. */
export async function createProgram(s: SpawnedServer, partners: number) {
  const program = await api(s, 'POST', '/v1/programs', {
    name: 'Bench',
    currency: 'EUR',
    defaultUrl: 'https://shop.test/',
    allowedHosts: ['shop.test'],
    holdDays: 0,
  });
  const list: { id: string; code: string; linkId: string }[] = [];
  for (let i = 0; i < partners; i++) {
    const p = await api(s, 'POST', `/v1/programs/${program.id}/partners`, { name: `Partner ${i}`, email: `p${i}@partner.test` });
    list.push({ id: p.id, code: p.code, linkId: p.defaultLink.id });
  }
  return { programId: program.id as string, partners: list };
}

/** BENCH_PROF=<dir> runs the reflink servers with --cpu-prof (profiles land in <dir> on exit). */
export const profileArgs = (): string[] => (process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : []);

/** Opens the database file `file` with its own client, runs `read` and closes the client. */
export async function readDbFile<T>(file: string, read: (db: Client) => Promise<T>): Promise<T> {
  const db = createClient({ url: `file:${file}` });
  try {
    return await read(db);
  } finally {
    db.close();
  }
}

/** The `n` column of a one-row `SELECT count(*) AS n …`. */
export const countOf = async (db: Client, sql: string): Promise<number> => Number((await db.execute(sql)).rows[0]!.n);
