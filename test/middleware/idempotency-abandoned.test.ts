import { describe, expect, it } from 'vitest';
import { makeApp, programInput } from '../helpers/app';
import { sha256Hex } from '../../src/lib/hash';
import { claimIdempotencyKey, completeIdempotencyKey, releaseIdempotencyKey } from '../../src/db/queries/idempotency';
import { idempotencyRowKey } from '../../src/middleware/idempotency';
import { idempotencyKeys } from '../../src/db/schema';

/**
 * A request that dies between claiming its Idempotency-Key and storing its answer (a killed process,
 * a Worker cancelled when its client went away) leaves the claim behind. Its claim is exactly what
 * the middleware writes first, reproduced here with the same key and body hash.
 */
async function abandonClaim(t: Awaited<ReturnType<typeof makeApp>>, path: string, header: string, body: unknown, at: Date) {
  const key = await idempotencyRowKey('root', path, header);
  expect(await claimIdempotencyKey(t.db, key, await sha256Hex(JSON.stringify(body)), at, new Date(0))).toBe(true);
}

describe('an Idempotency-Key whose first request never finished', () => {
  it('is 409 in progress (with Retry-After) for a minute, then the retry runs once and is stored', async () => {
    const t = await makeApp();
    await abandonClaim(t, '/v1/programs', 'k-crash', programInput, t.now);

    t.advance(59_000);
    const early = await t.json('POST', '/v1/programs', programInput, { 'idempotency-key': 'k-crash' });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'conflict', reason: 'idempotency_in_progress' });
    expect(early.res.headers.get('retry-after')).toBe('1');
    expect((await t.json('GET', '/v1/programs')).body.data).toEqual([]);

    t.advance(1_000);
    const retry = await t.json('POST', '/v1/programs', programInput, { 'idempotency-key': 'k-crash' });
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    const replay = await t.json('POST', '/v1/programs', programInput, { 'idempotency-key': 'k-crash' });
    expect(replay.status).toBe(201);
    expect(replay.res.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(retry.body);
    expect((await t.json('GET', '/v1/programs')).body.data.map((p: any) => p.id)).toEqual([retry.body.id]);
    expect((await t.db.select().from(idempotencyKeys)).map((r) => [r.status, r.createdAt.toISOString()])).toEqual([[201, t.now.toISOString()]]);

    // Should the first request still finish after all, it neither overwrites nor drops that answer.
    const key = await idempotencyRowKey('root', '/v1/programs', 'k-crash');
    const firstClaim = new Date(t.now.getTime() - 60_000);
    await completeIdempotencyKey(t.db, key, firstClaim, 500, '{"late":true}');
    await releaseIdempotencyKey(t.db, key, firstClaim);
    const [row] = await t.db.select().from(idempotencyKeys);
    expect([row!.status, JSON.parse(row!.response!)]).toEqual([201, retry.body]);
  });

  it('still refuses another body under that key', async () => {
    const t = await makeApp();
    await abandonClaim(t, '/v1/programs', 'k-crash', programInput, t.now);
    t.advance(3_600_000);
    const other = await t.json('POST', '/v1/programs', { ...programInput, name: 'Other' }, { 'idempotency-key': 'k-crash' });
    expect(other.status).toBe(409);
    expect(other.body.error.reason).toBe('idempotency_key_reused');
    expect((await t.json('GET', '/v1/programs')).body.data).toEqual([]);
  });
});
