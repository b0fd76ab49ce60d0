import { describe, expect, it } from 'vitest';
import { makeApp, programInput, type TestApp } from '../helpers/app';
import { idempotencyKeys } from '../../src/db/schema';
import { IDEMPOTENCY_RETENTION_MS } from '../../src/middleware/idempotency';
import { deleteExpiredIdempotencyKeys } from '../../src/jobs/delete-expired-idempotency-keys';
import { runScheduledJobs } from '../../src/jobs/run-scheduled-jobs';

const post = (t: TestApp, body: unknown = programInput) => t.json('POST', '/v1/programs', body, { 'idempotency-key': 'k-day' });
const programCount = async (t: TestApp) => (await t.json('GET', '/v1/programs?limit=200')).body.data.length;

/** `n` completed keys claimed at `at`, as the middleware stores them. */
async function storeKeys(t: TestApp, prefix: string, n: number, at: Date) {
  const rows = Array.from({ length: n }, (_, i) => ({ key: `${prefix}-${i}`, requestHash: 'h', status: 201, response: '{}', createdAt: at }));
  for (let i = 0; i < rows.length; i += 100) await t.db.insert(idempotencyKeys).values(rows.slice(i, i + 100));
}

describe('Idempotency-Key retention (24 h)', () => {
  it('replays up to 24 h after the first request; after that the key is new (runs once more, even before the job deleted it)', async () => {
    const t = await makeApp();
    const first = await post(t);
    t.advance(IDEMPOTENCY_RETENTION_MS - 1);
    const late = await post(t);
    expect([late.status, late.res.headers.get('idempotent-replayed'), late.body.id]).toEqual([201, 'true', first.body.id]);
    t.advance(1);
    // Expired: another body is not 409 idempotency_key_reused, it runs; and its answer replays from then on.
    const reused = await post(t, { ...programInput, name: 'Next day' });
    expect([reused.status, reused.res.headers.get('idempotent-replayed'), reused.body.name]).toEqual([201, null, 'Next day']);
    const replay = await post(t, { ...programInput, name: 'Next day' });
    expect([replay.status, replay.res.headers.get('idempotent-replayed'), replay.body.id]).toEqual([201, 'true', reused.body.id]);
    expect(await programCount(t)).toBe(2);
    expect((await t.db.select().from(idempotencyKeys)).map((r) => r.createdAt.getTime())).toEqual([t.now.getTime()]);
  });

  it('the periodic job deletes keys older than 24 h in chunks and keeps younger ones', async () => {
    const t = await makeApp();
    await storeKeys(t, 'old', 1_234, new Date(t.now.getTime() - IDEMPOTENCY_RETENTION_MS));
    await storeKeys(t, 'young', 3, new Date(t.now.getTime() - IDEMPOTENCY_RETENTION_MS + 1));
    expect(await deleteExpiredIdempotencyKeys(t.db, t.now, 100)).toBe(1_234);
    expect((await t.db.select().from(idempotencyKeys)).map((r) => r.key).sort()).toEqual(['young-0', 'young-1', 'young-2']);
    // The whole job (what the Workers cron and Node's timer run): approvals, then the keys.
    t.advance(1);
    expect(await runScheduledJobs(t.db, t.now)).toEqual({ approved: 0, expiredIdempotencyKeys: 3, expiredTokenRevocations: 0 });
    expect(await t.db.select().from(idempotencyKeys)).toEqual([]);
  });
});
