import { describe, expect, it } from 'vitest';
import { ADMIN_KEY, makeApp } from '../helpers/app';
import { TokenBuckets } from '../../src/lib/token-bucket';
import { programs } from '../../src/db/schema';

describe('rate limiting per credential', () => {
  it('answers 429 with Retry-After once a key has used its burst, and other keys are unaffected', async () => {
    const t = await makeApp({ env: { RATE_LIMIT_PER_SECOND: '2' } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await t.request('GET', '/v1/programs')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const limited = await t.request('GET', '/v1/programs');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toMatchObject({ error: { code: 'rate_limited' } });
    // Tracking routes share the limit of the key that calls them.
    expect((await t.request('POST', '/v1/track/lead', { programId: 'prg_x', customer: { externalId: 'c' } })).status).toBe(429);
    // Another credential has its own bucket (it is then refused as unauthorized, not limited).
    expect((await t.request('GET', '/v1/programs', undefined, { authorization: 'Bearer other' })).status).toBe(401);
    // The redirect path is never rate limited by the API limiter.
    expect((await t.request('GET', '/nope')).status).toBe(404);
    void ADMIN_KEY;
  });

  it('a 429 writes nothing', async () => {
    const t = await makeApp({ env: { RATE_LIMIT_PER_SECOND: '1' } });
    await t.request('GET', '/v1/programs');
    await t.request('GET', '/v1/programs');
    const r = await t.json('POST', '/v1/programs', { name: 'x', currency: 'EUR', defaultUrl: 'https://a.test/', allowedHosts: ['a.test'] });
    expect(r.status).toBe(429);
    expect(await t.db.select().from(programs)).toEqual([]);
  });

  it('token buckets refill at the configured rate', () => {
    let now = 0;
    const b = new TokenBuckets(2, 4, () => now);
    expect([b.take('k'), b.take('k'), b.take('k'), b.take('k'), b.take('k')]).toEqual([0, 0, 0, 0, 1]);
    now += 500; // half a second refills one token
    expect([b.take('k'), b.take('k')]).toEqual([0, 1]);
  });
});
