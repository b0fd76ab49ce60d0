import { describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app';
import { addPartner, addReward, balance, commissions, DAY, leadByCode, refund, sale, setup } from '../conversions/support';

/** POST /v1/programs/:id/payouts; expects 201 and returns the whole answer ({data, skipped}). */
async function build(t: TestApp, programId: string, body: Record<string, unknown> = {}) {
  const r = await t.json('POST', `/v1/programs/${programId}/payouts`, body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { data: any[]; skipped: any[] };
}

async function setStatus(t: TestApp, partnerId: string, status: 'active' | 'suspended') {
  const r = await t.json('PATCH', `/v1/partners/${partnerId}`, { status });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

/** Counts what the app sends to libSQL while `fn` runs: one execute or one batch is one round trip. */
async function roundTrips<T>(t: TestApp, fn: () => Promise<T>): Promise<{ result: T; trips: number }> {
  const client = t.db.$client as unknown as Record<'execute' | 'batch', (...a: unknown[]) => Promise<unknown>>;
  const { execute, batch } = client;
  let trips = 0;
  client.execute = (...a) => (trips++, execute.apply(client, a));
  client.batch = (...a) => (trips++, batch.apply(client, a));
  try {
    return { result: await fn(), trips };
  } finally {
    Object.assign(client, { execute, batch });
  }
}

/** Fixed 500 per lead, approved at once; Jane (3 leads, 1500) and Bob (1 lead, 500). */
async function twoPartners() {
  const { t, program, partner: jane } = await setup({ holdDays: 0 });
  const bob = await addPartner(t, program.id, 'Bob', 'bob@partner.test');
  await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 500 });
  for (const i of [1, 2, 3]) await leadByCode(t, jane.code, `j_${i}`);
  await leadByCode(t, bob.code, 'b_1');
  return { t, program, jane, bob };
}

describe('payout builds and suspended partners', () => {
  it('a suspended partner is not paid: skipped with the held amount, balance unchanged; reactivated, the next build pays exactly that', async () => {
    const { t, program, jane, bob } = await twoPartners();
    await setStatus(t, jane.id, 'suspended');

    const first = await build(t, program.id);
    expect(first.data.map((p) => [p.partnerId, p.amount, p.entryCount])).toEqual([[bob.id, 500, 1]]);
    expect(first.skipped).toEqual([{ partnerId: jane.id, unit: 'EUR', amount: 1500, amountFormatted: '15.00', reason: 'partner_suspended' }]);
    expect(await balance(t, jane.id)).toEqual({ pending: 0, approved: 1500, paid: 0 });
    expect((await commissions(t, program.id, { partnerId: jane.id })).map((c) => [c.status, c.payoutId])).toEqual([
      ['approved', null],
      ['approved', null],
      ['approved', null],
    ]);
    // Still suspended: a second build holds the same money back again, and pays nothing twice.
    expect(await build(t, program.id)).toEqual({ data: [], skipped: first.skipped });

    await setStatus(t, jane.id, 'active');
    const second = await build(t, program.id);
    expect(second.data.map((p) => [p.partnerId, p.unit, p.amount, p.entryCount])).toEqual([[jane.id, 'EUR', 1500, 3]]);
    expect(second.skipped).toEqual([]);
    expect(await build(t, program.id)).toEqual({ data: [], skipped: [] });
    expect(await balance(t, jane.id)).toEqual({ pending: 0, approved: 1500, paid: 0 });
    expect((await t.json('POST', `/v1/payouts/${second.data[0].id}/mark-paid`, { reference: 'tr_j' })).status).toBe(200);
    expect(await balance(t, jane.id)).toEqual({ pending: 0, approved: 0, paid: 1500 });
    expect(await balance(t, bob.id)).toEqual({ pending: 0, approved: 500, paid: 0 });
  });

  it('a group below minAmount is skipped as below_minimum and carries over', async () => {
    const { t, program, jane, bob } = await twoPartners();
    const r = await build(t, program.id, { minAmount: 1000 });
    expect(r.data.map((p) => [p.partnerId, p.amount])).toEqual([[jane.id, 1500]]);
    expect(r.skipped).toEqual([{ partnerId: bob.id, unit: 'EUR', amount: 500, amountFormatted: '5.00', reason: 'below_minimum' }]);
    expect(await balance(t, bob.id)).toEqual({ pending: 0, approved: 500, paid: 0 });
  });

  it('a payout built before the partner was suspended can still be marked paid', async () => {
    const { t, program, jane } = await twoPartners();
    const { data } = await build(t, program.id);
    const janes = data.find((p) => p.partnerId === jane.id);
    await setStatus(t, jane.id, 'suspended');
    const paid = await t.json('POST', `/v1/payouts/${janes.id}/mark-paid`, { reference: 'tr_1' });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body).toMatchObject({ status: 'paid', amount: 1500, entryCount: 3 });
    expect(await balance(t, jane.id)).toEqual({ pending: 0, approved: 0, paid: 1500 });
  });

  it('a suspension committed between the build\'s read and its write: nothing of that partner is claimed', async () => {
    const { t, program, jane, bob } = await twoPartners();
    const client = t.db.$client as unknown as { batch: (...a: unknown[]) => Promise<unknown> };
    const original = client.batch;
    client.batch = async (...args: unknown[]) => {
      client.batch = original;
      await setStatus(t, jane.id, 'suspended');
      return original.apply(client, args);
    };
    const r = await build(t, program.id);
    expect(client.batch).toBe(original);
    expect(r.data.map((p) => [p.partnerId, p.amount, p.entryCount])).toEqual([[bob.id, 500, 1]]);
    expect(r.skipped).toEqual([{ partnerId: jane.id, unit: 'EUR', amount: 1500, amountFormatted: '15.00', reason: 'partner_suspended' }]);
    expect(await balance(t, jane.id)).toEqual({ pending: 0, approved: 1500, paid: 0 });
  });
});

describe('why money stays out of a build', () => {
  it('a partner whose approved entries net negative (a refund after payment) is skipped as negative_balance with the amount; a later commission nets it out', async () => {
    const { t, program, partner: jane } = await setup({ holdDays: 0 });
    const bob = await addPartner(t, program.id, 'Bob', 'bob@partner.test');
    await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 2000 });
    await leadByCode(t, jane.code, 'cus_j');
    await leadByCode(t, bob.code, 'cus_b');
    await sale(t, program.id, 'cus_j', 10000, { externalId: 'ord_j1' });
    const first = await build(t, program.id);
    expect(first.data.map((p) => [p.partnerId, p.amount, p.entryCount])).toEqual([[jane.id, 2000, 1]]);
    expect((await t.json('POST', `/v1/payouts/${first.data[0].id}/mark-paid`, { reference: 'tr_1' })).status).toBe(200);
    // Refunded in full after it was paid: a -2000 adjustment, approved, that nothing positive nets.
    expect((await refund(t, program.id, 'ord_j1', 'rf_j1')).status).toBe(200);
    // Bob's 500 less a 200 reversal: 300, below the minimum, not negative.
    await sale(t, program.id, 'cus_b', 2500, { externalId: 'ord_b1' });
    expect((await refund(t, program.id, 'ord_b1', 'rf_b1', 1000)).status).toBe(200);
    expect(await balance(t, bob.id)).toEqual({ pending: 0, approved: 300, paid: 0 });

    const second = await build(t, program.id, { minAmount: 1000 });
    expect(second.data).toEqual([]);
    expect(second.skipped).toEqual([
      { partnerId: jane.id, unit: 'EUR', amount: -2000, amountFormatted: '-20.00', reason: 'negative_balance' },
      { partnerId: bob.id, unit: 'EUR', amount: 300, amountFormatted: '3.00', reason: 'below_minimum' },
    ].sort((a, b) => (a.partnerId < b.partnerId ? -1 : 1)));
    expect(await balance(t, jane.id)).toEqual({ pending: 0, approved: -2000, paid: 2000 });

    await sale(t, program.id, 'cus_j', 15000, { externalId: 'ord_j2' });
    const third = await build(t, program.id, { minAmount: 1000 });
    expect(third.data.map((p) => [p.partnerId, p.amount, p.entryCount])).toEqual([[jane.id, 1000, 2]]);
    expect(third.skipped).toEqual([{ partnerId: bob.id, unit: 'EUR', amount: 300, amountFormatted: '3.00', reason: 'below_minimum' }]);
    expect((await t.json('POST', `/v1/payouts/${third.data[0].id}/mark-paid`, { reference: 'tr_2' })).status).toBe(200);
    // 2000 paid, 2000 taken back, 3000 earned: 3000 paid in all, nothing left, nothing twice.
    expect(await balance(t, jane.id)).toEqual({ pending: 0, approved: 0, paid: 3000 });
  });

  it('money approved between the build\'s read and its batch: a partner not drafted is skipped as arrived_during_build; a drafted one gets it in its payout; the next build pays the rest once', async () => {
    const { t, program, partner: jane } = await setup({ holdDays: 1 });
    const bob = await addPartner(t, program.id, 'Bob', 'bob@partner.test');
    await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 500 });
    for (const c of ['j_1', 'j_2', 'j_3']) await leadByCode(t, jane.code, c);
    t.advance(2 * DAY);
    expect((await t.json('POST', '/v1/jobs/approve-commissions')).body).toEqual({ approved: 3 });
    // Held entries whose hold ends before the build, still pending when it reads the ledger.
    await leadByCode(t, jane.code, 'j_4');
    await leadByCode(t, bob.code, 'b_1');
    await leadByCode(t, bob.code, 'b_2');
    t.advance(2 * DAY);
    expect(await balance(t, jane.id)).toEqual({ pending: 500, approved: 1500, paid: 0 });
    expect(await balance(t, bob.id)).toEqual({ pending: 1000, approved: 0, paid: 0 });

    // The approval job commits after the build read who is owed and before its one batch.
    const client = t.db.$client as unknown as { batch: (...a: unknown[]) => Promise<unknown> };
    const original = client.batch;
    let job: unknown;
    client.batch = async (...args: unknown[]) => {
      client.batch = original;
      job = (await t.json('POST', '/v1/jobs/approve-commissions')).body;
      return original.apply(client, args);
    };
    const r = await build(t, program.id, { minAmount: 1000 });
    expect(client.batch).toBe(original);
    expect(job).toEqual({ approved: 3 });
    // Jane was drafted (1500 at the read): her payout claims everything approved as of the batch.
    expect(r.data.map((p) => [p.partnerId, p.amount, p.entryCount, p.status])).toEqual([[jane.id, 2000, 4, 'pending']]);
    expect(r.skipped).toEqual([{ partnerId: bob.id, unit: 'EUR', amount: 1000, amountFormatted: '10.00', reason: 'arrived_during_build' }]);
    expect(await balance(t, bob.id)).toEqual({ pending: 0, approved: 1000, paid: 0 });
    expect((await commissions(t, program.id, { partnerId: bob.id })).map((c) => [c.status, c.payoutId])).toEqual([
      ['approved', null],
      ['approved', null],
    ]);

    const next = await build(t, program.id, { minAmount: 1000 });
    expect(next.data.map((p) => [p.partnerId, p.amount, p.entryCount])).toEqual([[bob.id, 1000, 2]]);
    expect(next.skipped).toEqual([]);
    expect(await build(t, program.id, { minAmount: 1000 })).toEqual({ data: [], skipped: [] });
    for (const p of [...r.data, ...next.data]) expect((await t.json('POST', `/v1/payouts/${p.id}/mark-paid`, { reference: `tr_${p.id}` })).status).toBe(200);
    // Every entry in exactly one payout: 6 leads × 500 paid, nothing left over.
    const all = await commissions(t, program.id);
    expect(all.map((c) => c.status)).toEqual(Array(6).fill('paid'));
    expect(new Set(all.map((c) => c.payoutId))).toEqual(new Set([r.data[0].id, next.data[0].id]));
    expect(await balance(t, jane.id)).toEqual({ pending: 0, approved: 0, paid: 2000 });
    expect(await balance(t, bob.id)).toEqual({ pending: 0, approved: 0, paid: 1000 });
  });
});

describe('a build for many partners', () => {
  it('150 partners (every 10th suspended, some below minAmount): exact payouts and skips, in a fixed number of round trips', async () => {
    const { t, program, partner: first } = await setup({ holdDays: 0 });
    await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 100 });
    const partners = [first];
    for (let i = 1; i < 150; i++) partners.push(await addPartner(t, program.id, `P${i}`, `p${i}@partner.test`));
    const want = new Map<string, number>();
    for (const [i, p] of partners.entries()) {
      const leads = (i % 4) + 1; // 100…400
      for (let k = 0; k < leads; k++) await leadByCode(t, p.code, `c_${i}_${k}`);
      want.set(p.id, leads * 100);
    }
    const suspended = partners.filter((_, i) => i % 10 === 0);
    for (const p of suspended) await setStatus(t, p.id, 'suspended');
    const isSuspended = new Set(suspended.map((p) => p.id));

    const { result, trips } = await roundTrips(t, () => build(t, program.id, { minAmount: 200 }));
    // The program, who is owed, then one batch that builds every payout and reads the result back
    // (it was 1 + 1 + 2 per payout: 226 here).
    expect(trips).toBe(3);
    const paid = partners.filter((p) => !isSuspended.has(p.id) && want.get(p.id)! >= 200);
    expect(result.data.map((p) => [p.partnerId, p.amount]).sort()).toEqual(paid.map((p) => [p.id, want.get(p.id)]).sort());
    expect(result.data.every((p) => p.entryCount === p.amount / 100 && p.status === 'pending')).toBe(true);
    expect(result.data).toHaveLength(105);
    const skipped = partners.filter((p) => !paid.includes(p));
    expect(result.skipped.map((s) => [s.partnerId, s.amount, s.reason]).sort()).toEqual(
      skipped.map((p) => [p.id, want.get(p.id), isSuspended.has(p.id) ? 'partner_suspended' : 'below_minimum']).sort(),
    );
    const total = (ids: { id: string }[]) => ids.reduce((s, p) => s + want.get(p.id)!, 0);
    expect(result.data.reduce((s, p) => s + p.amount, 0)).toBe(total(paid));
    expect(total(paid)).toBe(31400);
    expect(result.skipped.reduce((s, p) => s + p.amount, 0)).toBe(total(skipped));
    expect(total(paid) + total(skipped)).toBe(37300);
    for (const p of suspended) await setStatus(t, p.id, 'active');
    const again = await build(t, program.id, { minAmount: 200 });
    expect(again.data.map((p) => [p.partnerId, p.amount]).sort()).toEqual(
      suspended.filter((p) => want.get(p.id)! >= 200).map((p) => [p.id, want.get(p.id)]).sort(),
    );
  }, 60_000);
});
