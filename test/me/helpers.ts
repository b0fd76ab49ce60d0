import { SignJWT, base64url } from 'jose';
import { expect } from 'vitest';
import { ADMIN_KEY, makeApp, programInput, type TestApp } from '../helpers/app';
import { rawClient } from '../foundation/support';
import { portalSignIn } from '../helpers/portal-sign-in';

export const T0 = new Date('2026-03-01T12:00:00.000Z');
export const T0_SECONDS = T0.getTime() / 1000;
export const DAY_SECONDS = 86_400;
export const JWT_SECRET = 'test-jwt-secret-0123456789abcdef-0123456789';
export const TOKEN_TYPE = 'reflink-partner+jwt';

type Env = Record<string, string | undefined>;

/** The app under test: the real createApp with the partner config read from `env`. */
export function appFor(t: TestApp) {
  return t.app;
}

export type Call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; body: any; res: Response }>;

/** A fresh app (JWT_SECRET set unless `env` says otherwise) with callers per credential. */
export async function makePartnerApp(opts: { env?: Env } = {}) {
  const env: Env = { JWT_SECRET, ...opts.env };
  const t = await makeApp({ now: T0, env: env as Record<string, string> });
  const app = appFor(t);
  const call = async (token: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await app.request(path, {
      method,
      headers: {
        ...(token !== null ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, res };
  };
  const as = (token: string | null): Call => (method, path, body, headers) => call(token, method, path, body, headers);
  return { t, app, env, as, admin: as(ADMIN_KEY) };
}

export type PartnerApp = Awaited<ReturnType<typeof makePartnerApp>>;

export async function ok(r: Promise<{ status: number; body: any }>, status = 200) {
  const res = await r;
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
}

/** POST /v1/partners/:id/tokens as the root admin; expects 201. */
export async function issueToken(h: PartnerApp, partnerId: string, body: Record<string, unknown> = {}): Promise<string> {
  return (await ok(h.admin('POST', `/v1/partners/${partnerId}/tokens`, body), 201)).token;
}

export async function createProgram(h: PartnerApp, overrides: Record<string, unknown> = {}) {
  return ok(h.admin('POST', '/v1/programs', { ...programInput, ...overrides }), 201);
}

export async function createPartner(h: PartnerApp, programId: string, name: string, email: string, code?: string) {
  return ok(h.admin('POST', `/v1/programs/${programId}/partners`, { name, email, ...(code ? { code } : {}) }), 201);
}

/** The 401 every refused credential gets, in the one error shape. */
/** A fresh app with one EUR program, partner Jane (code JANE) signed in to the portal: her token and session cookie. */
export async function signedInPortal() {
  const h = await makePartnerApp();
  const program = await createProgram(h, { currency: 'EUR' });
  const jane = await createPartner(h, program.id, 'Jane', 'jane@partner.test', 'JANE');
  const token = await issueToken(h, jane.id);
  const cookie = await portalSignIn((path, init) => h.app.request(path, init), token);
  return { h, cookie, token };
}

export function expectUnauthorized(r: { status: number; body: any }, label = '') {
  expect(r.status, `${label} ${JSON.stringify(r.body)}`).toBe(401);
  expect(r.body, label).toEqual({ error: { code: 'unauthorized', message: expect.any(String), requestId: expect.any(String) } });
}

/** A JWT signed with an HMAC secret and whatever header/claims a test wants (valid ones by default). */
export async function hsToken(
  secret: string | Uint8Array,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
  alg: 'HS256' | 'HS384' | 'HS512' = 'HS256',
) {
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  return new SignJWT(claims).setProtectedHeader({ alg, typ: TOKEN_TYPE, ...header }).sign(key);
}

/** The claims a real token for `partner` would carry at T0 (valid for a day). */
export function validClaims(partner: { id: string; programId: string }, over: Record<string, unknown> = {}) {
  return {
    iss: 'reflink',
    aud: 'reflink:partner',
    sub: partner.id,
    pid: partner.programId,
    iat: T0_SECONDS,
    exp: T0_SECONDS + DAY_SECONDS,
    jti: crypto.randomUUID(),
    ...over,
  };
}

const b64json = (v: unknown) => base64url.encode(JSON.stringify(v));

/** Assembles a compact JWS by hand (for `alg: none` and other malformed tokens). */
export function handToken(header: unknown, payload: unknown, signature = '') {
  return `${b64json(header)}.${b64json(payload)}.${signature}`;
}

/** Every row of every table, for "nothing changed" assertions. */
export async function snapshot(t: TestApp): Promise<Record<string, unknown[]>> {
  const client = rawClient(t);
  const tables = await client.execute(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '%migrations%' order by name`);
  const out: Record<string, unknown[]> = {};
  for (const row of tables.rows) {
    const name = String(row.name);
    const res = await client.execute(`select * from "${name}" order by rowid`);
    out[name] = res.rows.map((r) => Object.fromEntries(res.columns.map((c) => [c, r[c]])));
  }
  return out;
}

export function rowCounts(snap: Record<string, unknown[]>) {
  return Object.fromEntries(Object.entries(snap).map(([k, v]) => [k, v.length]));
}
