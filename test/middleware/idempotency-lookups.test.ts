import { describe, expect, it } from 'vitest';
import { ADMIN_KEY, makeApp, programInput, type TestApp } from '../helpers/app';
import { sha256Hex } from '../../src/lib/hash';
import { claimIdempotencyKey, completeIdempotencyKey } from '../../src/db/queries/idempotency';
import { createPartner, createProgram, issueToken, makePartnerApp } from '../me/helpers';

/** The SQL text of every statement the app sends to libSQL while `fn` runs (execute and batch). */
async function statementsOf<T>(t: TestApp, fn: () => Promise<T>): Promise<{ result: T; sql: string[] }> {
  const client = t.db.$client as unknown as Record<'execute' | 'batch', (...a: any[]) => Promise<unknown>>;
  const { execute, batch } = client;
  const sql: string[] = [];
  const text = (s: any) => (typeof s === 'string' ? s : s.sql);
  client.execute = (s, ...a) => (sql.push(text(s)), execute.call(client, s, ...a));
  client.batch = (ss: any[], ...a) => (sql.push(...ss.map(text)), batch.call(client, ss, ...a));
  try {
    return { result: await fn(), sql };
  } finally {
    Object.assign(client, { execute, batch });
  }
}

/** What each statement touching credentials or Idempotency-Keys does, in order. */
const credentialAndKeyStatements = (sql: string[]) =>
  sql.flatMap((s) => {
    if (/from "api_keys"/.test(s)) return ['api key lookup'];
    if (/from "partners"/.test(s) && /revoked_partner_tokens/.test(s)) return ['partner token check'];
    if (/^insert into "idempotency_keys"/.test(s)) return ['claim'];
    if (/^select .* from "idempotency_keys"/.test(s)) return ['key read'];
    if (/^update "idempotency_keys"/.test(s)) return ['complete'];
    return [];
  });

describe('a POST with an Idempotency-Key looks its credential up once and reads no key before claiming', () => {
  it('a stored rk_ key: one api_keys lookup (the idempotency middleware’s, reused by requireScope), then claim and complete', async () => {
    const t = await makeApp();
    const rk = (await t.json('POST', '/v1/api-keys', { name: 'ops', scopes: ['programs:write'] })).body.key as string;
    const { result, sql } = await statementsOf(t, () => t.json('POST', '/v1/programs', programInput, { authorization: `Bearer ${rk}`, 'idempotency-key': 'k1' }));
    expect(result.status).toBe(201);
    expect(credentialAndKeyStatements(sql)).toEqual(['api key lookup', 'claim', 'complete']);
    // A replay: the claim fails, then the legacy form and the key itself are read.
    const replay = await statementsOf(t, () => t.json('POST', '/v1/programs', programInput, { authorization: `bearer  ${rk}`, 'idempotency-key': 'k1' }));
    expect([replay.result.status, replay.result.res.headers.get('idempotent-replayed'), replay.result.body.id]).toEqual([201, 'true', result.body.id]);
    expect(credentialAndKeyStatements(replay.sql)).toEqual(['api key lookup', 'claim', 'key read', 'key read']);
    // Without the header nothing changes: one lookup.
    const plain = await statementsOf(t, () => t.json('POST', '/v1/programs', { ...programInput, name: 'Plain' }, { authorization: `Bearer ${rk}` }));
    expect([plain.result.status, credentialAndKeyStatements(plain.sql)]).toEqual([201, ['api key lookup']]);
  });

  it('a partner token: one token check (the middleware’s, reused by requirePartner)', async () => {
    const h = await makePartnerApp();
    const program = await createProgram(h);
    const jane = await createPartner(h, program.id, 'Jane Doe', 'jane@partner.test', 'JANE');
    const token = await issueToken(h, jane.id);
    const { result, sql } = await statementsOf(h.t, () => h.as(token)('POST', '/v1/me/links', {}, { 'idempotency-key': 'k-link' }));
    expect(result.status, JSON.stringify(result.body)).toBe(201);
    expect(credentialAndKeyStatements(sql)).toEqual(['partner token check', 'claim', 'complete']);
  });

  it('a legacy answer (keyed by the raw header) older than 24 h is not replayed: the request runs under the principal’s key', async () => {
    const t = await makeApp();
    const legacyKey = await sha256Hex(`Bearer ${ADMIN_KEY}\n/v1/programs\nk-old`);
    expect(await claimIdempotencyKey(t.db, legacyKey, 'other body', t.now, new Date(0))).toBe(true);
    await completeIdempotencyKey(t.db, legacyKey, t.now, 201, JSON.stringify({ id: 'prg_stored_before' }));
    t.advance(24 * 3_600_000);
    const run = await t.json('POST', '/v1/programs', programInput, { 'idempotency-key': 'k-old' });
    expect([run.status, run.res.headers.get('idempotent-replayed'), run.body.name]).toEqual([201, null, programInput.name]);
    const replay = await t.json('POST', '/v1/programs', programInput, { 'idempotency-key': 'k-old' });
    expect([replay.status, replay.res.headers.get('idempotent-replayed'), replay.body.id]).toEqual([201, 'true', run.body.id]);
  });

  it('the claim with its legacy-key probe searches by primary key only', async () => {
    const t = await makeApp();
    const { sql } = await statementsOf(t, () => claimIdempotencyKey(t.db, 'e'.repeat(64), 'h', t.now, new Date(0), 'f'.repeat(64)));
    // A fresh database: EXPLAIN of a write leaves the statement open on its connection.
    const planner = await makeApp();
    const plan = (await planner.db.$client.execute({ sql: `EXPLAIN QUERY PLAN ${sql[0]}`, args: ['e'.repeat(64), 'h', 0, 'f'.repeat(64), 0, null, null, 0] })).rows.map((r) => String(r.detail));
    expect(plan).toEqual(['SCAN CONSTANT ROW', 'SCALAR SUBQUERY 1', 'SEARCH idempotency_keys USING INDEX sqlite_autoindex_idempotency_keys_1 (key=?)']);
  });
});
