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

describe('rate limiting: one bucket per credential, however it is written', () => {
  it('the same key spelled with another scheme case or spacing shares its bucket', async () => {
    const t = await makeApp({ env: { RATE_LIMIT_PER_SECOND: '1' } });
    const spellings = [`Bearer ${ADMIN_KEY}`, `bearer ${ADMIN_KEY}`, `BEARER  ${ADMIN_KEY}`, ` Bearer\t${ADMIN_KEY} `, `bEaReR ${ADMIN_KEY}`];
    const statuses: number[] = [];
    for (const authorization of spellings) statuses.push((await t.request('GET', '/v1/programs', undefined, { authorization })).status);
    // Burst 2: the third request of the one credential is limited, whichever way it is written.
    expect(statuses).toEqual([200, 200, 429, 429, 429]);
  });

  it('made-up credentials are limited per client IP: a fresh token per request is no way around the limit', async () => {
    const t = await makeApp({ env: { RATE_LIMIT_PER_SECOND: '1' } });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      statuses.push((await t.request('GET', '/v1/programs', undefined, { authorization: `Bearer rk_madeup${i}AAAAAAAAAAAAAAAAAAAAAAAA` })).status);
    }
    expect(statuses.slice(0, 2)).toEqual([401, 401]);
    expect(statuses.slice(4)).toEqual([429, 429, 429, 429]);
    const limited = await t.request('GET', '/v1/programs', undefined, { authorization: 'Bearer rk_another' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // A credential that authenticated before is not held back by its IP's failures.
    const t2 = await makeApp({ env: { RATE_LIMIT_PER_SECOND: '1' } });
    expect((await t2.request('GET', '/v1/programs')).status).toBe(200);
    for (let i = 0; i < 6; i++) await t2.request('GET', '/v1/programs', undefined, { authorization: `Bearer madeup${i}` });
    expect((await t2.request('GET', '/v1/programs')).status).toBe(200);
  });
});
