import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { TestApp } from '../../helpers/app';
import { addReward, allEntries, allEvents, balanceOf, check, freshProgram, multiset, ok, sum, type Entry } from './support';
import { runs, timeout } from './runs';

// Ledger properties through the real app (HTTP on in-memory libSQL). Every run builds fresh apps,
// so runs are few and sequences short; fast-check prints the seed and path of any failure.

const NOW = new Date('2028-06-01T12:00:00.000Z');
const YEARS = { min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 11, 31, 23, 59, 59) };

type Op =
  | { kind: 'lead'; customer: number; partner: number; occurredAt: string }
  | { kind: 'sale'; sale: number; customer: number; amount: number }
  | { kind: 'refund'; refund: number; sale: number; amount: number };

interface Scenario {
  leadAmount: number;
  leadCap: number;
  saleBps: number;
  ops: Op[];
  /** ops in generation order: already causal (leads, then sales, then refunds) */
  canonical: Op[];
  /** a random causal order of the same ops, with repeats */
  shuffled: Op[];
}

/** Indices of the ops an op needs first: a sale its customer's lead, a refund its sale. */
function dependencies(op: Op, ops: readonly Op[]): number[] {
  if (op.kind === 'sale') return ops.flatMap((o, i) => (o.kind === 'lead' && o.customer === op.customer ? [i] : []));
  if (op.kind === 'refund') return ops.flatMap((o, i) => (o.kind === 'sale' && o.sale === op.sale ? [i] : []));
  return [];
}

/** Orders ops by priority, deferring any op until its dependencies are out. */
function causalOrder(ops: readonly Op[], priority: readonly number[]): number[] {
  let pending = ops.map((_, i) => i).sort((a, b) => priority[a % priority.length]! - priority[b % priority.length]! || a - b);
  const done = new Set<number>();
  const out: number[] = [];
  while (pending.length > 0) {
    const next: number[] = [];
    for (const i of pending) {
      if (dependencies(ops[i]!, ops).every((d) => done.has(d))) {
        done.add(i);
        out.push(i);
      } else next.push(i);
    }
    pending = next;
  }
  return out;
}

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    leadAmount: fc.integer({ min: 1, max: 5_000 }),
    leadCap: fc.integer({ min: 1, max: 15_000 }),
    saleBps: fc.integer({ min: 1, max: 5_000 }),
    customers: fc.array(
      fc.record({
        partner: fc.nat({ max: 1 }),
        // A customer without a lead has unattributed sales: nothing to earn, in any order.
        lead: fc.option(fc.integer(YEARS), { freq: 6 }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    sales: fc.array(fc.record({ customer: fc.nat(), amount: fc.integer({ min: 1, max: 100_000 }) }), { maxLength: 6 }),
    refunds: fc.array(fc.record({ sale: fc.nat(), raw: fc.nat() }), { maxLength: 6 }),
    priority: fc.array(fc.nat({ max: 1_000 }), { minLength: 20, maxLength: 20 }),
    repeats: fc.array(fc.record({ op: fc.nat(), offset: fc.nat() }), { maxLength: 8 }),
  })
  .map((s) => {
    const ops: Op[] = [];
    s.customers.forEach((c, customer) => {
      if (c.lead !== null) ops.push({ kind: 'lead', customer, partner: c.partner, occurredAt: new Date(c.lead).toISOString() });
    });
    const sales = s.sales.map((x, sale) => ({ sale, customer: x.customer % s.customers.length, amount: x.amount }));
    for (const x of sales) ops.push({ kind: 'sale', ...x });
    // Partial refunds whose total never passes the sale: every one succeeds whatever the order.
    // (A refund without amount takes "the remainder", which depends on order by design.)
    const refunded = new Map<number, number>();
    if (sales.length > 0) {
      s.refunds.forEach((r, refund) => {
        const sale = sales[r.sale % sales.length]!;
        const amount = 1 + (r.raw % sale.amount);
        const before = refunded.get(sale.sale) ?? 0;
        if (before + amount > sale.amount) return;
        refunded.set(sale.sale, before + amount);
        ops.push({ kind: 'refund', refund, sale: sale.sale, amount });
      });
    }
    const order = causalOrder(ops, s.priority).map((i) => ops[i]!);
    if (ops.length > 0) {
      for (const r of s.repeats) {
        const op = ops[r.op % ops.length]!;
        const first = order.indexOf(op);
        order.splice(first + 1 + (r.offset % (order.length - first)), 0, op);
      }
    }
    return { leadAmount: s.leadAmount, leadCap: s.leadCap, saleBps: s.saleBps, ops, canonical: ops, shuffled: order };
  });

async function play(s: Scenario, sequence: readonly Op[]) {
  const { t, program, partners } = await freshProgram({ now: NOW, holdDays: 0, partners: 2 });
  const lead = await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: s.leadAmount, caps: { perPartner: { amount: s.leadCap, period: 'year' } } });
  const sale = await addReward(t, program.id, { event: 'sale', type: 'percent', amount: s.saleBps });
  for (const op of sequence) {
    if (op.kind === 'lead') {
      await ok(t, 'POST', '/v1/track/lead', { code: partners[op.partner].code, customer: { externalId: `cus_${op.customer}` }, occurredAt: op.occurredAt });
    } else if (op.kind === 'sale') {
      await ok(t, 'POST', '/v1/track/sale', { programId: program.id, customerExternalId: `cus_${op.customer}`, externalId: `ord_${op.sale}`, amount: op.amount, currency: 'EUR' });
    } else {
      await ok(t, 'POST', '/v1/track/refund', { programId: program.id, saleExternalId: `ord_${op.sale}`, externalId: `rf_${op.refund}`, amount: op.amount });
    }
  }
  return summarize(t, program.id, partners, { [lead.id]: 'lead', [sale.id]: 'sale' });
}

/**
 * The ledger with generated ids replaced by the scenario's own names, so two apps compare.
 * Originals are compared as a multiset of (kind, rule, amount, status): sale commissions also by
 * order id (a percent rule without cap pays the same whatever the order), lead commissions not by
 * customer, because the yearly cap truncates whichever lead comes last in a year, and that is
 * order-dependent by design; the multiset of lead amounts per partner and year is not.
 * Reversals are compared as a total per (sale, rule): each partial refund takes
 * floor(commission × refundedSoFar / sale) − takenBefore, so the individual entries depend on the
 * order of the refunds, while their sum depends only on the total refunded.
 */
async function summarize(t: TestApp, programId: string, partners: readonly { id: string }[], roles: Record<string, string>) {
  const entries = await allEntries(t, programId);
  const events = await allEvents(t, programId);
  const eventName = new Map(events.map((e) => [e.id, e.type === 'sale' ? e.externalId : `${e.type}:${e.occurredAt.slice(0, 4)}`]));
  const partnerName = new Map(partners.map((p, i) => [p.id, `p${i}`]));
  const byId = new Map(entries.map((e) => [e.id, e]));
  const originals = entries.filter((e) => e.kind === 'commission');
  const describe = (e: Entry) => [e.kind, roles[e.rewardId!], partnerName.get(e.partnerId!), e.amount, e.status].join('|');
  // Sale events are named by order id; lead events only by year (see above).
  const commissions = multiset(originals.map((e) => `${describe(e)}|${eventName.get(e.eventId)}`));
  const taken = new Map<string, { amount: number; statuses: Set<string>; kinds: Set<string> }>();
  for (const e of entries.filter((x) => x.kind !== 'commission')) {
    const original = byId.get(e.reversesId!)!;
    const key = `${roles[original.rewardId!]}|${eventName.get(original.eventId)}`;
    const t0 = taken.get(key) ?? { amount: 0, statuses: new Set(), kinds: new Set() };
    t0.amount += e.amount;
    t0.statuses.add(e.status);
    t0.kinds.add(e.kind);
    taken.set(key, t0);
  }
  const reversals = [...taken].map(([k, v]) => `${k}|${v.amount}|${[...v.statuses].sort()}|${[...v.kinds].sort()}`).sort();
  const balances = [];
  for (const p of partners) balances.push(await balanceOf(t, p.id));
  const eventCounts = multiset(events.map((e) => `${e.type}|${e.status}`));
  return { commissions, reversals, balances, eventCounts, entries };
}

describe('ledger properties (HTTP)', () => {
  it('any causal order and any repetition of the same tracking calls gives the same ledger and balances', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const a = await play(s, s.canonical);
        const b = await play(s, s.shuffled);
        const same = (what: string, x: unknown, y: unknown) =>
          check(JSON.stringify(x) === JSON.stringify(y), () => `${what} differ:\n canonical ${JSON.stringify(x)}\n shuffled  ${JSON.stringify(y)}`);
        same('commissions', a.commissions, b.commissions);
        same('reversals', a.reversals, b.reversals);
        same('balances', a.balances, b.balances);
        same('events', a.eventCounts, b.eventCounts);
        // And the yearly lead cap holds per partner and year in both.
        for (const run of [a, b]) {
          const perYear = new Map<string, number>();
          for (const line of run.commissions.filter((c) => c.startsWith('commission|lead|'))) {
            const [, , partner, amount, , event] = line.split('|');
            perYear.set(`${partner}|${event}`, (perYear.get(`${partner}|${event}`) ?? 0) + Number(amount));
          }
          for (const [k, v] of perYear) check(v <= s.leadCap, `lead cap ${s.leadCap} exceeded for ${k}: ${v}`);
        }
      }),
      { numRuns: runs(40), verbose: 1 },
    );
  }, timeout(60_000));

  type Step =
    | { kind: 'refund'; amount: number | null }
    | { kind: 'replay' }
    | { kind: 'payout' }
    | { kind: 'paid' }
    | { kind: 'approve' };

  const step: fc.Arbitrary<Step> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('refund' as const), amount: fc.option(fc.integer({ min: 1, max: 15_000 }), { freq: 8 }) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'replay' as const }) },
    { weight: 2, arbitrary: fc.constant({ kind: 'payout' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'paid' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'approve' as const }) },
  );

  it('a sale\'s commission plus its reversals stays within [0, commission] for any refunds; a refund past the remainder is 422 and writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          saleAmount: fc.integer({ min: 1, max: 10_000 }),
          bps: fc.integer({ min: 1, max: 10_000 }),
          fixed: fc.integer({ min: 1, max: 5_000 }),
          holdDays: fc.constantFrom(0, 5),
          steps: fc.array(step, { minLength: 1, maxLength: 12 }),
        }),
        async ({ saleAmount, bps, fixed, holdDays, steps }) => {
          const { t, program, partners } = await freshProgram({ now: NOW, holdDays, partners: 1 });
          await addReward(t, program.id, { event: 'sale', type: 'percent', amount: bps });
          await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: fixed });
          await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 500, recipient: 'customer' });
          await ok(t, 'POST', '/v1/track/lead', { code: partners[0].code, customer: { externalId: 'cus_1' } });
          const sale = await ok(t, 'POST', '/v1/track/sale', { programId: program.id, customerExternalId: 'cus_1', externalId: 'ord_1', amount: saleAmount, currency: 'EUR' });
          const originals: Entry[] = sale.commissions;

          let refunded = 0;
          const done: Record<string, unknown>[] = [];
          for (const [i, s] of steps.entries()) {
            const before = await allEntries(t, program.id);
            const eventsBefore = (await allEvents(t, program.id)).length;
            if (s.kind === 'refund') {
              const body = { programId: program.id, saleExternalId: 'ord_1', externalId: `rf_${i}`, ...(s.amount === null ? {} : { amount: s.amount }) };
              const r = await t.json('POST', '/v1/track/refund', body);
              const remaining = saleAmount - refunded;
              const amount = s.amount ?? remaining;
              if (remaining === 0 || amount > remaining) {
                check(r.status === 422, () => `refund ${amount} of remaining ${remaining}: ${r.status} ${JSON.stringify(r.body)}`);
                const reason = remaining === 0 ? 'already_refunded' : 'refund_exceeds_sale';
                check(r.body.error?.reason === reason, () => `reason ${JSON.stringify(r.body)} ≠ ${reason}`);
                const after = await allEntries(t, program.id);
                check(JSON.stringify(after) === JSON.stringify(before), 'a rejected refund changed the ledger');
                check((await allEvents(t, program.id)).length === eventsBefore, 'a rejected refund recorded an event');
              } else {
                check(r.status === 200, () => `refund ${amount} of remaining ${remaining}: ${r.status} ${JSON.stringify(r.body)}`);
                refunded += amount;
                done.push(body);
              }
            } else if (s.kind === 'replay') {
              const body = done.at(-1);
              if (!body) continue;
              await ok(t, 'POST', '/v1/track/refund', body);
              check(JSON.stringify(await allEntries(t, program.id)) === JSON.stringify(before), 'a replayed refund changed the ledger');
            } else if (s.kind === 'payout') {
              await ok(t, 'POST', `/v1/programs/${program.id}/payouts`, {}, 201);
            } else if (s.kind === 'paid') {
              const list = await ok(t, 'GET', `/v1/programs/${program.id}/payouts?limit=200`);
              for (const p of list.data) if (p.status === 'pending') await ok(t, 'POST', `/v1/payouts/${p.id}/mark-paid`, { reference: `ref_${p.id}` });
            } else {
              t.advance(6 * 86_400_000);
              await ok(t, 'POST', '/v1/jobs/approve-commissions');
            }

            const entries = await allEntries(t, program.id);
            for (const o of originals) {
              const net = o.amount + sum(entries.filter((e) => e.reversesId === o.id));
              // The share the refunds so far take back, rounded down; all of it once fully refunded.
              const expected = o.amount - (refunded >= saleAmount ? o.amount : Math.floor((o.amount * refunded) / saleAmount));
              check(net >= 0 && net <= o.amount, () => `commission ${o.amount} nets ${net} after refunding ${refunded} of ${saleAmount}`);
              check(net === expected, () => `commission ${o.amount} nets ${net}, expected ${expected} after refunding ${refunded} of ${saleAmount}`);
              check(entries.filter((e) => e.reversesId === o.id).every((e) => e.amount < 0), 'a reversal with a non-negative amount');
            }
          }
        },
      ),
      { numRuns: runs(40), verbose: 1 },
    );
  }, timeout(60_000));
});
