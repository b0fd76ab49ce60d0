import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../helpers/server';
import type { KeyedMutex } from '../../src/lib/keyed-mutex';

type Server = Awaited<ReturnType<typeof startServer>>;

async function setup(s: Server) {
  const program = await s.json('POST', '/v1/programs', {
    name: 'Cap race',
    currency: 'USD',
    defaultUrl: 'https://shop.test/',
    allowedHosts: ['shop.test'],
    holdDays: 0,
  });
  const partner = await s.json('POST', `/v1/programs/${program.body.id}/partners`, { name: 'P', email: 'p@partner.test' });
  // 10% of each sale, tiered: first 50 sales 1000 bps, then 2000 bps; at most $500 a year.
  const reward = await s.json('POST', `/v1/programs/${program.body.id}/rewards`, {
    event: 'sale',
    type: 'fixed',
    amount: 700,
    caps: { perPartner: { amount: 50_000, period: 'year' } },
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

describe.each([
  ['with the in-process lock', false],
  ['without any lock (conditional SQL alone)', true],
])('200 simultaneous sales over HTTP under a yearly cap, %s', (_name, unlocked) => {
  let s: Server;
  beforeAll(async () => {
    s = await startServer();
    if (unlocked) (s.deps as { locks: Pick<KeyedMutex, 'run'> }).locks = { run: (_k, fn) => fn() };
  });
  afterAll(async () => s.stop());

  it('ends exactly at the cap: 71 × 700 + 300 = 50000, never more', async () => {
    const { programId, partner } = await setup(s);
    await leads(s, programId, partner.code, 200);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        s.json('POST', '/v1/track/sale', { programId, customerExternalId: `cust-${i}`, externalId: `order-${i}`, amount: 9900, currency: 'USD' }),
      ),
    );
    expect(results.map((r) => r.status).filter((st) => st !== 200)).toEqual([]);
    const earned = results.flatMap((r) => r.body.commissions as { amount: number }[]);
    const skipped = results.flatMap((r) => r.body.skipped as { reason: string }[]);
    expect(earned.reduce((a, c) => a + c.amount, 0)).toBe(50_000);
    expect(earned.length).toBe(72);
    expect(earned.filter((c) => c.amount === 300).length).toBe(1);
    expect(skipped.length).toBe(128);
    expect(new Set(skipped.map((x) => x.reason))).toEqual(new Set(['cap_reached']));
    expect(await ledgerTotal(s, programId)).toEqual({ total: 50_000, count: 72 });
    const balance = await s.json('GET', `/v1/partners/${partner.id}/balance`);
    expect(balance.body.balances[0]).toMatchObject({ unit: 'USD', pending: 0, approved: 50_000, paid: 0 });
  });

  it('50 simultaneous identical sale calls create exactly one event and one commission', async () => {
    const { programId, partner } = await setup(s);
    await leads(s, programId, partner.code, 1);
    const body = { programId, customerExternalId: 'cust-0', externalId: 'dup-order', amount: 1000, currency: 'USD' };
    const results = await Promise.all(Array.from({ length: 50 }, () => s.json('POST', '/v1/track/sale', body)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const eventIds = new Set(results.map((r) => r.body.event.id));
    expect(eventIds.size).toBe(1);
    const events = await s.json('GET', `/v1/events?programId=${programId}&customerExternalId=cust-0&limit=200`);
    expect(events.body.data.filter((e: { type: string }) => e.type === 'sale').length).toBe(1);
    expect(await ledgerTotal(s, programId)).toEqual({ total: 700, count: 1 });
  });
});
