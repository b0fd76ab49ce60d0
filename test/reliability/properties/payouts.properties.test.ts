import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { TestApp } from '../../helpers/app';
import { addReward, allEntries, check, checkBalances, checkPayouts, DAY, freshProgram, ok, sum } from './support';
import { runs, timeout } from './runs';

// Payouts and balances through the real app: after every step of a random history of leads,
// sales, refunds, approvals, payouts and transfers, each payout equals the sum of its entries
// and every partner's balance can be rebuilt from the ledger entries alone.

const NOW = new Date('2026-03-01T12:00:00.000Z');

type Op =
  | { kind: 'lead'; partner: number }
  | { kind: 'sale'; customer: number; amount: number }
  | { kind: 'refund'; sale: number; amount: number | null }
  | { kind: 'approve'; days: number }
  | { kind: 'payout'; minAmount: number }
  | { kind: 'paid'; payout: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('lead' as const), partner: fc.nat({ max: 1 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('sale' as const), customer: fc.nat(), amount: fc.integer({ min: 0, max: 50_000 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('refund' as const), sale: fc.nat(), amount: fc.option(fc.integer({ min: 1, max: 30_000 }), { freq: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('approve' as const), days: fc.integer({ min: 1, max: 12 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('payout' as const), minAmount: fc.constantFrom(0, 1, 500, 5_000) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('paid' as const), payout: fc.nat() }) },
);

async function checkInvariants(t: TestApp, programId: string, partners: readonly { id: string }[]) {
  const entries = await allEntries(t, programId);
  const paidByPartner = await checkPayouts(t, programId, entries);

  // Refunds never take back more than a commission, nor give anything back.
  for (const o of entries.filter((x) => x.kind === 'commission')) {
    const taken = entries.filter((x) => x.reversesId === o.id);
    const net = o.amount + sum(taken);
    check(taken.every((x) => x.amount < 0) && net >= 0 && net <= o.amount, () => `commission ${o.amount} nets ${net}: ${JSON.stringify(taken.map((x) => x.amount))}`);
    if (o.status === 'reversed') {
      check(net === 0 && taken.every((x) => x.status === 'reversed'), () => `reversed commission ${o.id} nets ${net} with ${JSON.stringify(taken.map((x) => x.status))}`);
    }
  }

  await checkBalances(t, programId, partners, paidByPartner);
}

describe('payout properties (HTTP)', () => {
  it('payouts equal the sum of their entries and balances rebuild from the ledger, after every step', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          holdDays: fc.integer({ min: 0, max: 3 }),
          leadAmount: fc.integer({ min: 1, max: 3_000 }),
          bps: fc.integer({ min: 1, max: 5_000 }),
          ops: fc.array(op, { minLength: 1, maxLength: 16 }),
        }),
        async ({ holdDays, leadAmount, bps, ops }) => {
          const { t, program, partners } = await freshProgram({ now: NOW, holdDays, partners: 2 });
          await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: leadAmount, caps: { perPartner: { amount: 5_000, period: 'month' } } });
          await addReward(t, program.id, { event: 'sale', type: 'percent', amount: bps });
          await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 700, holdDays: 10 });
          // Customer rewards share partnerId but must stay out of the partner's balance and payouts.
          await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 300, recipient: 'customer' });

          let customers = 0;
          let sales = 0;
          for (const [i, o] of ops.entries()) {
            if (o.kind === 'lead') {
              await ok(t, 'POST', '/v1/track/lead', { code: partners[o.partner].code, customer: { externalId: `cus_${customers++}` } });
            } else if (o.kind === 'sale') {
              // One customer index past the known ones: an unattributed sale.
              const customer = o.customer % (customers + 1);
              await ok(t, 'POST', '/v1/track/sale', { programId: program.id, customerExternalId: `cus_${customer}`, externalId: `ord_${sales++}`, amount: o.amount, currency: 'EUR' });
            } else if (o.kind === 'refund') {
              if (sales === 0) continue;
              const body = { programId: program.id, saleExternalId: `ord_${o.sale % sales}`, externalId: `rf_${i}`, ...(o.amount === null ? {} : { amount: o.amount }) };
              const r = await t.json('POST', '/v1/track/refund', body);
              check(r.status === 200 || r.status === 422, () => `refund → ${r.status} ${JSON.stringify(r.body)}`);
            } else if (o.kind === 'approve') {
              t.advance(o.days * DAY);
              await ok(t, 'POST', '/v1/jobs/approve-commissions');
            } else if (o.kind === 'payout') {
              await ok(t, 'POST', `/v1/programs/${program.id}/payouts`, { minAmount: o.minAmount }, 201);
            } else {
              const pending = (await ok(t, 'GET', `/v1/programs/${program.id}/payouts?limit=200`)).data.filter((p: any) => p.status === 'pending');
              if (pending.length === 0) continue;
              await ok(t, 'POST', `/v1/payouts/${pending[o.payout % pending.length].id}/mark-paid`, { reference: `tr_${i}` });
            }
            t.advance(1_000);
            await checkInvariants(t, program.id, partners);
          }
        },
      ),
      { numRuns: runs(40), verbose: 1 },
    );
  }, timeout(60_000));
});
