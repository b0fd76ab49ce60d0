import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CHROME_MAC, FIREFOX_WIN, IPHONE_SAFARI, rawClient } from '../foundation/support';
import type { TestApp } from '../helpers/app';
import { rebuildRollups } from '../../src/reports/rebuild-rollups';
import { GROUP_BYS } from '../../src/reports/schemas';
import { loadFacts, recountReport } from './recount';
import { clickOn, post, proxiedApp, reportOf, SLACKBOT } from './support';

const T0 = new Date('2026-03-01T09:00:00.000Z');
const HOUR = 3_600_000;
const UAS = [CHROME_MAC, FIREFOX_WIN, IPHONE_SAFARI, SLACKBOT];
const COUNTRIES = ['DE', 'US', undefined];
const REFERERS = ['https://news.example.com/a', 'https://t.co/x', undefined];
const RANGE = { from: '2026-02-25', to: '2026-03-12' };

const op = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('click' as const), link: fc.nat(5), visitor: fc.nat(1), ua: fc.constantFrom(0, 0, 0, 1, 2, 3), country: fc.nat(2), referer: fc.nat(2) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('lead' as const), byClick: fc.boolean(), pick: fc.nat(50) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('sale' as const), pick: fc.nat(50), amount: fc.integer({ min: 0, max: 20000 }), backHours: fc.constantFrom(0, 0, 0, 30) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('refund' as const), pick: fc.nat(50), share: fc.double({ min: 0.01, max: 1, noNaN: true }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), minutes: fc.constantFrom(10, 50, 120, 600, 1500) }) },
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

/** Three partners with a default link and a campaign link each; rewards in EUR and points. */
async function world() {
  const t = await proxiedApp(T0);
  const program = await post(t, '/v1/programs', { name: 'R', currency: 'EUR', defaultUrl: 'https://r.test/', allowedHosts: ['r.test'] }, 201);
  const codes: string[] = [];
  for (const [i, campaign] of ['spring', 'fall', 'spring'].entries()) {
    const p = await post(t, `/v1/programs/${program.id}/partners`, { name: `P${i}`, email: `p${i}@r.test` }, 201);
    codes.push(p.code, (await post(t, `/v1/partners/${p.id}/links`, { code: `c${i}-${campaign}`, campaign }, 201)).code);
  }
  for (const rule of [{ event: 'lead', type: 'fixed', amount: 100 }, { event: 'lead', type: 'fixed', amount: 3, unit: 'points' }, { event: 'sale', type: 'percent', amount: 1500 }]) {
    await post(t, `/v1/programs/${program.id}/rewards`, rule, 201);
  }
  return { t, programId: program.id as string, codes };
}

async function play(t: TestApp, programId: string, codes: string[], ops: Op[]) {
  const clickIds: string[] = [];
  const customers: string[] = [];
  const sales: { id: string; left: number }[] = [];
  let n = 0;
  for (const o of ops) {
    n++;
    if (o.kind === 'click') {
      const id = await clickOn(t, codes[o.link]!, { ip: `203.0.113.${o.visitor}`, ua: UAS[o.ua]!, country: COUNTRIES[o.country], referer: REFERERS[o.referer] });
      if (id) clickIds.push(id);
    } else if (o.kind === 'lead') {
      await t.clickSink.flush();
      const via = o.byClick && clickIds.length > 0 ? { clickId: clickIds[o.pick % clickIds.length] } : { code: codes[o.pick % codes.length] };
      await post(t, '/v1/track/lead', { ...via, customer: { externalId: `cus${n}` } });
      customers.push(`cus${n}`);
    } else if (o.kind === 'sale') {
      // One pick past the known customers: a walk-in nobody referred.
      const customer = customers[o.pick % (customers.length + 1)] ?? `walkin${n}`;
      const occurredAt = new Date(t.now.getTime() - o.backHours * HOUR).toISOString();
      await post(t, '/v1/track/sale', { programId, customerExternalId: customer, externalId: `ord${n}`, amount: o.amount, currency: 'EUR', occurredAt });
      if (o.amount > 0) sales.push({ id: `ord${n}`, left: o.amount });
    } else if (o.kind === 'refund') {
      const open = sales.filter((x) => x.left > 0);
      const s = open[o.pick % Math.max(1, open.length)];
      if (!s) continue;
      const amount = Math.max(1, Math.min(s.left, Math.round(s.left * o.share)));
      await post(t, '/v1/track/refund', { programId, saleExternalId: s.id, externalId: `rf${n}`, amount });
      s.left -= amount;
    } else {
      t.advance(o.minutes * 60_000);
    }
  }
  await t.clickSink.flush();
}

const snapshot = async (t: TestApp, table: string) =>
  (await rawClient(t).execute(`select * from ${table} order by program_id, dim, day, partner_id, key${table.includes('commission') ? ', unit' : ''}`)).rows.map((r) => ({ ...r }));

describe('rollups equal a recount from raw rows (randomized, seeded)', () => {
  it('for every groupBy, before and after rebuildRollups, and against a recount in the test', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 40, maxLength: 100 }), async (ops) => {
        const { t, programId, codes } = await world();
        await play(t, programId, codes, ops);
        const raw = await loadFacts(t, programId);
        const partnerId = raw.facts[0]?.partner;
        const queries = [
          ...GROUP_BYS.map((groupBy) => ({ ...RANGE, groupBy })),
          ...(['day', 'week', 'partner', 'campaign'] as const).map((groupBy) => ({ ...RANGE, groupBy, campaign: 'spring' })),
          ...(partnerId ? (['day', 'link', 'country'] as const).map((groupBy) => ({ ...RANGE, groupBy, partnerId })) : []),
          { from: '2026-03-02', to: '2026-03-03', groupBy: 'referrer' },
        ];
        const fromRollups = [];
        for (const q of queries) {
          const r = await reportOf(t, programId, q);
          expect({ rows: r.rows, totals: r.totals }, JSON.stringify(q)).toEqual(recountReport(raw, q));
          fromRollups.push(r);
        }
        const tables = [await snapshot(t, 'daily_rollups'), await snapshot(t, 'daily_commission_rollups')];
        await rebuildRollups(t.db, programId);
        expect([await snapshot(t, 'daily_rollups'), await snapshot(t, 'daily_commission_rollups')]).toEqual(tables);
        // One UTC day per transaction gives the same rows as one week per transaction.
        await rebuildRollups(t.db, programId, { windowDays: 1 });
        expect([await snapshot(t, 'daily_rollups'), await snapshot(t, 'daily_commission_rollups')]).toEqual(tables);
        for (const [i, q] of queries.entries()) expect(await reportOf(t, programId, q)).toEqual(fromRollups[i]);
      }),
      // Fixed seed: the same 8 histories every run. No shrinking: each attempt builds a whole app.
      { seed: 20260301, numRuns: 8, endOnFailure: true },
    );
  });
});
