import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../helpers/server';
import type { KeyedMutex } from '../../src/lib/keyed-mutex';
import { retryStats } from '../../src/conversions/with-retry';
import { startSqld, type Sqld } from '../helpers/sqld';
import { SPAWN_TEST_TIMEOUT_MS } from '../helpers/spawn-server';

type Server = Awaited<ReturnType<typeof startServer>>;

async function setup(s: Server, cap = 50_000) {
  const program = await s.json('POST', '/v1/programs', {
    name: 'Cap race',
    currency: 'USD',
    defaultUrl: 'https://shop.test/',
    allowedHosts: ['shop.test'],
    holdDays: 0,
  });
  const partner = await s.json('POST', `/v1/programs/${program.body.id}/partners`, { name: 'P', email: 'p@partner.test' });
  // $7 per sale, at most `cap` a year.
  const reward = await s.json('POST', `/v1/programs/${program.body.id}/rewards`, {
    event: 'sale',
    type: 'fixed',
    amount: 700,
    caps: { perPartner: { amount: cap, period: 'year' } },
  });
  expect(reward.status).toBe(201);
  return { programId: program.body.id as string, partner: partner.body };
}

async function leads(s: Server, programId: string, code: string, n: number) {
  for (let i = 0; i < n; i++) {
    const r = await s.json('POST', '/v1/track/lead', { code, programId, customer: { externalId: `cust-${i}` } });
    expect(r.status).toBe(200);
  }
}

async function ledgerTotal(s: Server, programId: string) {
  let total = 0;
  let count = 0;
  let cursor: string | null = null;
  do {
    const page: { body: { data: { amount: number }[]; nextCursor: string | null } } = await s.json(
      'GET',
      `/v1/programs/${programId}/commissions?limit=200${cursor ? `&cursor=${cursor}` : ''}`,
    );
    for (const c of page.body.data) {
      total += c.amount;
      count++;
    }
    cursor = page.body.nextCursor;
  } while (cursor);
  return { total, count };
}

// n sales of $99 at $7 each under `cap`: floor(cap / 700) full commissions, one truncated to the rest.
describe.each([
  { name: 'libSQL file, with the in-process lock', unlocked: false, remote: false, n: 200, cap: 50_000, dup: 50 },
  { name: 'libSQL file, without any lock (conditional SQL alone)', unlocked: true, remote: false, n: 200, cap: 50_000, dup: 50 },
  // Over sqld every query is real async I/O, so requests truly interleave between read and write;
  // fewer requests, as each lost race costs a round of HTTP queries.
  { name: 'sqld over HTTP, without any lock (conditional SQL alone)', unlocked: true, remote: true, n: 40, cap: 10_000, dup: 15 },
])('simultaneous sales over HTTP under a yearly cap: $name', ({ unlocked, remote, n, cap, dup }) => {
  const full = Math.floor(cap / 700);
  const rest = cap - full * 700;
  let s: Server;
  let sqld: Sqld | null = null;
  const retriesBefore = retryStats.retries;
  beforeAll(async () => {
    if (remote) sqld = await startSqld();
    s = await startServer(sqld ? { databaseUrl: sqld.url } : {});
    if (unlocked) (s.deps as { locks: Pick<KeyedMutex, 'run'> }).locks = { run: (_k, fn) => fn() };
  }, SPAWN_TEST_TIMEOUT_MS); // sqld's start-up, on a loaded host
  afterAll(async () => {
    await s.stop();
    await sqld?.stop();
    // Real interleaving shows up as lost races that were redone, never as money.
    if (remote) expect(retryStats.retries).toBeGreaterThan(retriesBefore);
  }, 30_000);

  it(`${n} sales end exactly at the cap ${cap}: ${full} × 700 + ${rest}, never more`, async () => {
    const { programId, partner } = await setup(s, cap);
    await leads(s, programId, partner.code, n);
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        s.json('POST', '/v1/track/sale', { programId, customerExternalId: `cust-${i}`, externalId: `order-${i}`, amount: 9900, currency: 'USD' }),
      ),
    );
    expect(results.map((r) => r.status).filter((st) => st !== 200)).toEqual([]);
    const earned = results.flatMap((r) => r.body.commissions as { amount: number }[]);
    const skipped = results.flatMap((r) => r.body.skipped as { reason: string }[]);
    expect(earned.reduce((a, c) => a + c.amount, 0)).toBe(cap);
    expect(earned.length).toBe(full + (rest > 0 ? 1 : 0));
    expect(earned.filter((c) => c.amount === rest).length).toBe(rest > 0 ? 1 : 0);
    expect(skipped.length).toBe(n - earned.length);
    expect(new Set(skipped.map((x) => x.reason))).toEqual(new Set(['cap_reached']));
    expect(await ledgerTotal(s, programId)).toEqual({ total: cap, count: earned.length });
    const balance = await s.json('GET', `/v1/partners/${partner.id}/balance`);
    expect(balance.body.balances[0]).toMatchObject({ unit: 'USD', pending: 0, approved: cap, paid: 0 });
  }, 60_000);

  it(`${dup} simultaneous identical sale calls create exactly one event and one commission`, async () => {
    const { programId, partner } = await setup(s);
    await leads(s, programId, partner.code, 1);
    const body = { programId, customerExternalId: 'cust-0', externalId: 'dup-order', amount: 1000, currency: 'USD' };
    const results = await Promise.all(Array.from({ length: dup }, () => s.json('POST', '/v1/track/sale', body)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const eventIds = new Set(results.map((r) => r.body.event.id));
    expect(eventIds.size).toBe(1);
    const events = await s.json('GET', `/v1/events?programId=${programId}&customerExternalId=cust-0&limit=200`);
    expect(events.body.data.filter((e: { type: string }) => e.type === 'sale').length).toBe(1);
    expect(await ledgerTotal(s, programId)).toEqual({ total: 700, count: 1 });
  }, 60_000);
});
