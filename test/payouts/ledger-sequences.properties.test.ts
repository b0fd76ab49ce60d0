import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { TestApp } from '../helpers/app';
import { addReward, allEntries, allEvents, check, checkBalances, checkPayouts, DAY, freshProgram, ok, sum, type Entry } from '../reliability/properties/support';
import { runs, timeout } from '../reliability/properties/runs';

// The ledger through the real app over random histories that mix today's money moves: early sales
// (a sale before its customer's lead), refunds, approvals, payout builds (whole program or one
// partner), mark-paid, cancel (also racing mark-paid), void and manual adjustments. After every
// step: each pending/paid payout is the sum of its entries, a canceled one holds none; no entry is
// in two payouts; every commission is taken back by exactly its sale's refunded share (all of it
// once voided or fully refunded), never more; balances rebuild from the entries; paid = paid payouts.

const NOW = new Date('2026-03-01T12:00:00.000Z');

type Op =
  | { kind: 'lead'; partner: number }
  | { kind: 'sale'; customer: number; amount: number }
  | { kind: 'refund'; sale: number; amount: number | null }
  | { kind: 'approve'; days: number }
  | { kind: 'build'; minAmount: number; partner: number | null }
  | { kind: 'paid'; payout: number }
  | { kind: 'cancel'; payout: number }
  | { kind: 'race'; payout: number }
  | { kind: 'void'; entry: number }
  | { kind: 'adjust'; partner: number; amount: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('lead' as const), partner: fc.nat({ max: 1 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('sale' as const), customer: fc.nat(), amount: fc.integer({ min: 0, max: 50_000 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('refund' as const), sale: fc.nat(), amount: fc.option(fc.integer({ min: 1, max: 30_000 }), { freq: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('approve' as const), days: fc.integer({ min: 1, max: 12 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('build' as const), minAmount: fc.constantFrom(0, 1, 500, 5_000), partner: fc.option(fc.nat({ max: 1 })) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('paid' as const), payout: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('cancel' as const), payout: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('race' as const), payout: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('void' as const), entry: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('adjust' as const), partner: fc.nat({ max: 1 }), amount: fc.integer({ min: -3_000, max: 3_000 }).filter((n) => n !== 0) }) },
);

async function checkInvariants(t: TestApp, programId: string, partners: readonly { id: string }[]) {
  const entries = await allEntries(t, programId);
  const paidByPartner = await checkPayouts(t, programId, entries);

  // Every commission is taken back by exactly its sale's refunded share (rounded down), all of it
  // when the sale is refunded in full or the commission voided; never more, never positive.
  const events = await allEvents(t, programId);
  const refundedOf = new Map<string, number>();
  for (const ev of events) if (ev.type === 'refund') refundedOf.set(ev.saleEventId, (refundedOf.get(ev.saleEventId) ?? 0) + ev.amount);
  const saleOf = new Map(events.map((ev) => [ev.id, ev]));
  for (const o of entries.filter((x) => x.kind === 'commission')) {
    const taken: Entry[] = entries.filter((x) => x.reversesId === o.id);
    const net = o.amount + sum(taken);
    check(taken.every((x) => x.amount < 0), () => `commission ${o.id} taken back by a positive entry`);
    const voided = taken.some((x) => x.eventId === o.eventId);
    const ev = saleOf.get(o.eventId);
    if (ev?.type === 'sale' && o.amount > 0) {
      const refunded = refundedOf.get(ev.id) ?? 0;
      const s = ev.amount ?? 0;
      // A sale of 0 pays fixed rules; its one refund (of 0) takes them back in full.
      const inFull = voided || (s === 0 ? events.some((x) => x.type === 'refund' && x.saleEventId === ev.id) : refunded >= s);
      const want = inFull ? o.amount : s === 0 ? 0 : Math.floor((o.amount * refunded) / s);
      check(o.amount - net === want, () => `commission ${o.id} of ${o.amount} (sale ${s}, refunded ${refunded}${voided ? ', voided' : ''}) taken back ${o.amount - net}, want ${want}: ${JSON.stringify(taken.map((x) => [x.kind, x.amount, x.status]))}`);
    } else {
      check(net >= 0 && net <= o.amount, () => `commission ${o.id} of ${o.amount} nets ${net}`);
    }
    if (o.status === 'reversed') {
      check(net === 0 && taken.every((x) => x.status === 'reversed'), () => `reversed commission ${o.id} nets ${net} with ${JSON.stringify(taken.map((x) => x.status))}`);
    }
    // Closed (reversed) only while never taken back by an adjustment: otherwise the adjustment stays in the balance.
    if (taken.some((x) => x.kind === 'adjustment')) check(o.status !== 'reversed', () => `commission ${o.id} reversed while an adjustment took part of it`);
  }

  await checkBalances(t, programId, partners, paidByPartner);
}

describe('ledger sequences with cancel, void and adjustments (HTTP)', () => {
  it('payouts, take-backs and balances stay exact after every step', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          holdDays: fc.constantFrom(0, 0, 2),
          bps: fc.integer({ min: 1, max: 5_000 }),
          ops: fc.array(op, { minLength: 1, maxLength: 24 }),
        }),
        async ({ holdDays, bps, ops }) => {
          const { t, program, partners } = await freshProgram({ now: NOW, holdDays, partners: 2 });
          await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 1_000, caps: { perPartner: { amount: 5_000, period: 'month' } } });
          await addReward(t, program.id, { event: 'sale', type: 'percent', amount: bps });
          await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 700, holdDays: 4 });
          await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 300, recipient: 'customer' });

          let customers = 0;
          let sales = 0;
          const payoutsOf = async (status: string) =>
            (await ok(t, 'GET', `/v1/programs/${program.id}/payouts?limit=200&status=${status}`)).data as any[];
          for (const [i, o] of ops.entries()) {
            if (o.kind === 'lead') {
              await ok(t, 'POST', '/v1/track/lead', { code: partners[o.partner].code, customer: { externalId: `cus_${customers++}` } });
            } else if (o.kind === 'sale') {
              // One customer index past the known ones: an early sale, decided by that customer's lead.
              const customer = o.customer % (customers + 1);
              await ok(t, 'POST', '/v1/track/sale', { programId: program.id, customerExternalId: `cus_${customer}`, externalId: `ord_${sales++}`, amount: o.amount });
            } else if (o.kind === 'refund') {
              if (sales === 0) continue;
              const body = { programId: program.id, saleExternalId: `ord_${o.sale % sales}`, externalId: `rf_${i}`, ...(o.amount === null ? {} : { amount: o.amount }) };
              const r = await t.json('POST', '/v1/track/refund', body);
              check(r.status === 200 || r.status === 422, () => `refund → ${r.status} ${JSON.stringify(r.body)}`);
            } else if (o.kind === 'approve') {
              t.advance(o.days * DAY);
              await ok(t, 'POST', '/v1/jobs/approve-commissions');
            } else if (o.kind === 'build') {
              const body = { minAmount: o.minAmount, ...(o.partner === null ? {} : { partnerId: partners[o.partner].id }) };
              await ok(t, 'POST', `/v1/programs/${program.id}/payouts`, body, 201);
            } else if (o.kind === 'paid' || o.kind === 'cancel' || o.kind === 'race') {
              const pending = await payoutsOf('pending');
              if (pending.length === 0) continue;
              const p = pending[o.payout % pending.length]!;
              if (o.kind === 'paid') await ok(t, 'POST', `/v1/payouts/${p.id}/mark-paid`, { reference: `tr_${i}` });
              else if (o.kind === 'cancel') await ok(t, 'POST', `/v1/payouts/${p.id}/cancel`, { reason: `r_${i}` });
              else {
                const [a, b] = await Promise.all([t.json('POST', `/v1/payouts/${p.id}/mark-paid`, { reference: `tr_${i}` }), t.json('POST', `/v1/payouts/${p.id}/cancel`)]);
                check([a.status, b.status].sort().join() === '200,409', () => `race: mark-paid ${a.status}, cancel ${b.status}`);
              }
            } else if (o.kind === 'void') {
              const all = (await allEntries(t, program.id)).filter((x) => x.kind === 'commission');
              if (all.length === 0) continue;
              const target = all[o.entry % all.length]!;
              const r = await t.json('POST', `/v1/commissions/${target.id}/void`, { reason: `v_${i}` });
              check(r.status === 200 || r.status === 201 || (r.status === 409 && r.body.error.reason === 'already_reversed'), () => `void → ${r.status} ${JSON.stringify(r.body)}`);
            } else {
              await ok(t, 'POST', `/v1/partners/${partners[o.partner].id}/adjustments`, { amount: o.amount, reason: `a_${i}` }, 201);
            }
            t.advance(1_000);
            await checkInvariants(t, program.id, partners);
          }
        },
      ),
      {
        numRuns: runs(40),
        verbose: 1,
        // The paths the random ones reach rarely, always checked first.
        examples: [
          // sale → build → partial refund (adjustment) → cancel → refund the rest → rebuild → mark paid
          [{ holdDays: 0, bps: 1_000, ops: [{ kind: 'lead', partner: 0 }, { kind: 'sale', customer: 0, amount: 10_000 }, { kind: 'build', minAmount: 1, partner: null }, { kind: 'refund', sale: 0, amount: 4_000 }, { kind: 'cancel', payout: 0 }, { kind: 'refund', sale: 0, amount: null }, { kind: 'build', minAmount: 1, partner: 0 }, { kind: 'paid', payout: 0 }] }],
          // … → cancel → void → rebuild → mark paid
          [{ holdDays: 0, bps: 1_000, ops: [{ kind: 'lead', partner: 0 }, { kind: 'sale', customer: 0, amount: 10_000 }, { kind: 'build', minAmount: 1, partner: null }, { kind: 'refund', sale: 0, amount: 4_000 }, { kind: 'cancel', payout: 0 }, { kind: 'void', entry: 1 }, { kind: 'void', entry: 2 }, { kind: 'build', minAmount: 1, partner: null }, { kind: 'paid', payout: 0 }] }],
          // early sale, refunded in part before the lead; lead → build → race cancel/mark-paid → refund → void
          [{ holdDays: 0, bps: 2_500, ops: [{ kind: 'sale', customer: 0, amount: 8_000 }, { kind: 'refund', sale: 0, amount: 2_000 }, { kind: 'lead', partner: 1 }, { kind: 'build', minAmount: 1, partner: 1 }, { kind: 'race', payout: 0 }, { kind: 'refund', sale: 0, amount: 1_000 }, { kind: 'void', entry: 2 }, { kind: 'build', minAmount: 1, partner: null }, { kind: 'cancel', payout: 0 }, { kind: 'adjust', partner: 1, amount: -5_000 }, { kind: 'build', minAmount: 1, partner: null }] }],
        ],
      },
    );
  }, timeout(240_000));
});
