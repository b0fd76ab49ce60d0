import { describe, expect, it } from 'vitest';
import { ADMIN_KEY, makeApp, programInput, type TestApp } from '../helpers/app';
import { sha256Hex } from '../../src/lib/hash';
import { completeIdempotencyKey, claimIdempotencyKey } from '../../src/db/queries/idempotency';
import { idempotencyKeys } from '../../src/db/schema';

const programNames = async (t: TestApp) => (await t.json('GET', '/v1/programs?limit=200')).body.data.map((p: { name: string }) => p.name);
const post = (t: TestApp, authorization: string, key: string, body: unknown = programInput) => t.json('POST', '/v1/programs', body, { authorization, 'idempotency-key': key });

describe('an Idempotency-Key belongs to the authenticated principal, not to how the header is spelled', () => {
  it('the root key spelled "Bearer  <key>" then "bearer <key>": the retry is a replay, one program', async () => {
    const t = await makeApp();
    const first = await post(t, `Bearer  ${ADMIN_KEY}`, 'k-spelling');
    expect(first.status).toBe(201);
    const retry = await post(t, `bearer ${ADMIN_KEY}`, 'k-spelling');
    expect([retry.status, retry.res.headers.get('idempotent-replayed'), retry.body]).toEqual([201, 'true', first.body]);
    const padded = await post(t, `  BEARER\t${ADMIN_KEY} `, 'k-spelling');
    expect([padded.status, padded.res.headers.get('idempotent-replayed'), padded.body.id]).toEqual([201, 'true', first.body.id]);
    expect(await programNames(t)).toEqual([programInput.name]);
    expect(await t.db.select().from(idempotencyKeys)).toHaveLength(1);
  });

  it('a stored rk_ key spelled two ways shares its key; another body under it is still 409', async () => {
    const t = await makeApp();
    const rk = (await t.json('POST', '/v1/api-keys', { name: 'ops', scopes: ['programs:write'] })).body.key as string;
    const first = await post(t, `Bearer ${rk}`, 'k-rk');
    const retry = await post(t, `bearer   ${rk}`, 'k-rk');
    expect([first.status, retry.status, retry.res.headers.get('idempotent-replayed'), retry.body.id]).toEqual([201, 201, 'true', first.body.id]);
    const other = await post(t, `BEARER ${rk}`, 'k-rk', { ...programInput, name: 'Other' });
    expect([other.status, other.body.error.reason]).toEqual([409, 'idempotency_key_reused']);
    expect(await programNames(t)).toEqual([programInput.name]);
  });

  it('two credentials with the same Idempotency-Key stay independent: the root key and a * key each run once', async () => {
    const t = await makeApp();
    const star = (await t.json('POST', '/v1/api-keys', { name: 'second admin', scopes: ['*'] })).body.key as string;
    const byRoot = await post(t, `Bearer ${ADMIN_KEY}`, 'shared', { ...programInput, name: 'Root' });
    const byStar = await post(t, `Bearer ${star}`, 'shared', { ...programInput, name: 'Star' });
    expect([byRoot.status, byStar.status, byStar.res.headers.get('idempotent-replayed')]).toEqual([201, 201, null]);
    expect(byStar.body.id).not.toBe(byRoot.body.id);
    expect((await programNames(t)).sort()).toEqual(['Root', 'Star']);
    expect(await t.db.select().from(idempotencyKeys)).toHaveLength(2);
  });

  it('an answer stored before the upgrade (keyed by the raw Authorization header) is still replayed, not run again', async () => {
    const t = await makeApp();
    const stored = { id: 'prg_stored_before', name: programInput.name };
    const legacyKey = await sha256Hex(`Bearer ${ADMIN_KEY}\n/v1/programs\nk-before-deploy`);
    expect(await claimIdempotencyKey(t.db, legacyKey, await sha256Hex(JSON.stringify(programInput)), t.now, new Date(0))).toBe(true);
    await completeIdempotencyKey(t.db, legacyKey, t.now, 201, JSON.stringify(stored));
    t.advance(60_000);
    const retry = await post(t, `Bearer ${ADMIN_KEY}`, 'k-before-deploy');
    expect([retry.status, retry.res.headers.get('idempotent-replayed'), retry.body]).toEqual([201, 'true', stored]);
    expect(await programNames(t)).toEqual([]);
  });
});
