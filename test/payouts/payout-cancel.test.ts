import { describe, expect, it } from 'vitest';
import { expectApiError, rawClient } from '../foundation/support';
import type { TestApp } from '../helpers/app';
import { addPartner, addReward, balance, commissions, days, leadByCode, refund, sale, setup, sum } from '../conversions/support';
import { cancelPayout as cancelQuery, markPayoutPaid as markPaidQuery } from '../../src/db/queries/payouts';

/** A program without hold paying 20% of sales, Jane's customer cus_1 and two approved sales (2000 + 1000). */
async function world() {
  const { t, program, partner } = await setup({ holdDays: 0 });
  await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 2000 });
  await leadByCode(t, partner.code, 'cus_1');
  const s1 = await sale(t, program.id, 'cus_1', 10000, { externalId: 'ord_1' });
  const s2 = await sale(t, program.id, 'cus_1', 5000, { externalId: 'ord_2' });
  await approve(t);
  return { t, program, partner, c1: s1.commissions[0], c2: s2.commissions[0] };
}

const approve = async (t: TestApp) => expect((await t.json('POST', '/v1/jobs/approve-commissions')).status).toBe(200);

async function build(t: TestApp, programId: string, body: Record<string, unknown> = {}) {
  const r = await t.json('POST', `/v1/programs/${programId}/payouts`, body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { data: any[]; skipped: any[] };
}

const cancel = (t: TestApp, id: string, body?: unknown) => t.json('POST', `/v1/payouts/${id}/cancel`, body);
const rows = async (t: TestApp, q: string) => (await rawClient(t).execute(q)).rows.map((r) => ({ ...r }));

describe('POST /v1/payouts/:id/cancel', () => {
  it('releases the entries back to approved in one go; the payout keeps what it was built for; a replay is the same 200', async () => {
    const { t, program, partner, c1, c2 } = await world();
    const [p] = (await build(t, program.id)).data;
    expect(p).toMatchObject({ amount: 3000, entryCount: 2, status: 'pending', canceledAt: null, cancelReason: null });
    t.advance(60_000);
    const r = await cancel(t, p.id, { reason: '  wrong IBAN  ' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ ...p, status: 'canceled', canceledAt: t.now.toISOString(), cancelReason: 'wrong IBAN' });
    // The entries are approved and unclaimed again; nothing else moved.
    const ledger = await commissions(t, program.id);
    expect(ledger.map((c) => [c.id, c.status, c.payoutId]).sort()).toEqual([[c1.id, 'approved', null], [c2.id, 'approved', null]].sort());
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 3000, paid: 0 });
    // Its statement: the canceled payout with no entries (CSV: the header alone).
    const st = await t.json('GET', `/v1/payouts/${p.id}`);
    expect(st.body).toMatchObject({ id: p.id, status: 'canceled', amount: 3000, entryCount: 2, period: null, entries: [], nextCursor: null });
    const csv = await (await t.request('GET', `/v1/payouts/${p.id}?format=csv`)).text();
    expect(csv.trim().split('\r\n')).toHaveLength(1);
    // Replays (any body) answer the first cancel as it is.
    t.advance(60_000);
    for (const body of [undefined, {}, { reason: 'another reason' }]) {
      const again = await cancel(t, p.id, body);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(r.body);
    }
    // The next build pays the released entries exactly once.
    const next = await build(t, program.id);
    expect(next.data).toHaveLength(1);
    expect(next.data[0]).toMatchObject({ partnerId: partner.id, amount: 3000, entryCount: 2, status: 'pending' });
    expect(next.data[0].id).not.toBe(p.id);
    expect(await build(t, program.id)).toEqual({ data: [], skipped: [] });
    const after = await commissions(t, program.id);
    expect(after.every((c) => c.payoutId === next.data[0].id)).toBe(true);
    const paid = await t.json('POST', `/v1/payouts/${next.data[0].id}/mark-paid`, { reference: 'SEPA-2' });
    expect(paid.status).toBe(200);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 0, paid: 3000 });
    // Listed: both payouts, the canceled one as canceled.
    const list = (await t.json('GET', `/v1/programs/${program.id}/payouts`)).body.data;
    expect(list.map((x: any) => [x.id, x.status])).toEqual([[next.data[0].id, 'paid'], [p.id, 'canceled']]);
  });

  it('a paid payout is 409 payout_paid; mark-paid on a canceled one is 409 payout_canceled; neither writes', async () => {
    const { t, program, partner } = await world();
    const [p] = (await build(t, program.id)).data;
    await t.json('POST', `/v1/payouts/${p.id}/mark-paid`, { reference: 'SEPA-1' });
    const before = await rows(t, 'select * from commissions order by id');
    const r = await cancel(t, p.id, { reason: 'too late' });
    expectApiError(r, 409, 'conflict');
    expect(r.body.error.reason).toBe('payout_paid');
    expect(await rows(t, 'select * from commissions order by id')).toEqual(before);
    expect((await t.json('GET', `/v1/payouts/${p.id}`)).body).toMatchObject({ status: 'paid', canceledAt: null, cancelReason: null, reference: 'SEPA-1' });
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 0, paid: 3000 });

    await sale(t, program.id, 'cus_1', 1000, { externalId: 'ord_3' });
    await approve(t);
    const [q] = (await build(t, program.id)).data;
    expect((await cancel(t, q.id)).status).toBe(200);
    const mark = await t.json('POST', `/v1/payouts/${q.id}/mark-paid`, { reference: 'SEPA-2' });
    expectApiError(mark, 409, 'conflict');
    expect(mark.body.error.reason).toBe('payout_canceled');
    expect((await t.json('GET', `/v1/payouts/${q.id}`)).body).toMatchObject({ status: 'canceled', reference: null, paidAt: null });
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 200, paid: 3000 });
  });

  it('unknown id 404; bad bodies 4xx; nothing written', async () => {
    const { t, program } = await world();
    const [p] = (await build(t, program.id)).data;
    expectApiError(await cancel(t, 'pay_nope'), 404, 'not_found');
    expectApiError(await cancel(t, p.id, { reason: 'x'.repeat(501) }), 422, 'validation_failed', 'reason');
    expectApiError(await cancel(t, p.id, { reason: 5 }), 422, 'validation_failed', 'reason');
    expectApiError(await cancel(t, p.id, { reason: '   ' }), 422, 'validation_failed', 'reason');
    expectApiError(await cancel(t, p.id, { why: 'x' }), 422, 'validation_failed');
    expectApiError(await cancel(t, p.id, '{"reason":'), 400, 'invalid_json');
    const plain = await t.request('POST', `/v1/payouts/${p.id}/cancel`, 'reason', { 'content-type': 'text/plain' });
    expect(plain.status).toBe(400);
    expect((await t.json('GET', `/v1/payouts/${p.id}`)).body).toMatchObject({ status: 'pending', entries: [expect.anything(), expect.anything()] });
    // 500 characters is fine.
    expect((await cancel(t, p.id, { reason: 'x'.repeat(500) })).body.cancelReason).toHaveLength(500);
  });

  it('manual adjustments (bonus, clawback, points) in a canceled payout come back once', async () => {
    const { t, program, partner } = await world();
    await t.json('POST', `/v1/partners/${partner.id}/adjustments`, { amount: 5000, reason: 'launch bonus' });
    await t.json('POST', `/v1/partners/${partner.id}/adjustments`, { amount: -1200, reason: 'returned goods' });
    await t.json('POST', `/v1/partners/${partner.id}/adjustments`, { amount: 40, unit: 'points', reason: 'x' });
    const built = (await build(t, program.id)).data;
    expect(built.map((p) => [p.unit, p.amount, p.entryCount])).toEqual([['EUR', 6800, 4], ['points', 40, 1]]);
    for (const p of built) expect((await cancel(t, p.id)).status).toBe(200);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 6800, paid: 0 });
    expect(await balance(t, partner.id, 'points')).toEqual({ pending: 0, approved: 40, paid: 0 });
    const again = (await build(t, program.id)).data;
    expect(again.map((p) => [p.unit, p.amount, p.entryCount])).toEqual([['EUR', 6800, 4], ['points', 40, 1]]);
  });

  it('a refund while the payout was pending, then cancel, then the rest refunded: the original is taken back once', async () => {
    const { t, program, partner, c1 } = await world();
    const [p] = (await build(t, program.id)).data;
    // 30% of ord_1 refunded while c1 (2000) is in the pending payout: an adjustment of -600.
    const rf1 = await refund(t, program.id, 'ord_1', 'rf_1', 3000);
    expect(rf1.body.commissions).toMatchObject([{ kind: 'adjustment', amount: -600, status: 'approved', payoutId: null }]);
    expect((await cancel(t, p.id)).status).toBe(200);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 2400, paid: 0 });
    // The rest of the sale: c1 was taken back by an adjustment, so the rest is one too (a reversal
    // would close c1 as reversed while the -600 stayed in the balance).
    const rf2 = await refund(t, program.id, 'ord_1', 'rf_2');
    expect(rf2.status, JSON.stringify(rf2.body)).toBe(200);
    expect(rf2.body.commissions).toMatchObject([{ kind: 'adjustment', amount: -1400, reversesId: c1.id, status: 'approved' }]);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 1000, paid: 0 });
    const ofC1 = (await commissions(t, program.id)).filter((c) => c.id === c1.id || c.reversesId === c1.id);
    expect(sum(ofC1)).toBe(0);
    const [next] = (await build(t, program.id)).data;
    expect(next).toMatchObject({ amount: 1000, entryCount: 4 });
  });

  it('a void of a commission in a pending payout, then cancel: released and voided net to nothing; void replays', async () => {
    const { t, program, partner, c1, c2 } = await world();
    const [p] = (await build(t, program.id)).data;
    const v = await t.json('POST', `/v1/commissions/${c1.id}/void`, { reason: 'fraud' });
    expect(v.body.entry).toMatchObject({ kind: 'adjustment', amount: -2000, status: 'approved', payoutId: null });
    expect((await cancel(t, p.id)).status).toBe(200);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 1000, paid: 0 });
    const again = await t.json('POST', `/v1/commissions/${c1.id}/void`, {});
    expect([again.status, again.body.entry.id]).toEqual([200, v.body.entry.id]);
    expect((await refund(t, program.id, 'ord_1', 'rf_1')).body.commissions).toEqual([]);
    const next = await build(t, program.id);
    expect(next.data).toMatchObject([{ amount: 1000, entryCount: 3 }]);
    expect(next.data[0].id).not.toBe(p.id);
    const entries = (await t.json('GET', `/v1/payouts/${next.data[0].id}`)).body.entries;
    expect(entries.map((e: any) => e.id).sort()).toEqual([c1.id, c2.id, v.body.entry.id].sort());
  });

  it('a partial refund while pending, cancel, then a void: the void takes the rest by adjustment', async () => {
    const { t, program, partner, c1 } = await world();
    const [p] = (await build(t, program.id)).data;
    await refund(t, program.id, 'ord_1', 'rf_1', 5000); // -1000 adjustment
    expect((await cancel(t, p.id)).status).toBe(200);
    const v = await t.json('POST', `/v1/commissions/${c1.id}/void`);
    expect(v.status).toBe(201);
    expect(v.body.entry).toMatchObject({ kind: 'adjustment', amount: -1000, status: 'approved' });
    expect(v.body.commission).toMatchObject({ status: 'approved', payoutId: null });
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 1000, paid: 0 });
  });

  it('a void after the cancel (no adjustment before): a reversal that closes the released commission', async () => {
    const { t, program, partner, c1 } = await world();
    const [p] = (await build(t, program.id)).data;
    expect((await cancel(t, p.id)).status).toBe(200);
    const v = await t.json('POST', `/v1/commissions/${c1.id}/void`);
    expect(v.body.entry).toMatchObject({ kind: 'reversal', amount: -2000, status: 'reversed' });
    expect(v.body.commission.status).toBe('reversed');
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 1000, paid: 0 });
    expect((await build(t, program.id)).data).toMatchObject([{ amount: 1000, entryCount: 1 }]);
  });

  it('the adjustment went into another payout before the cancel: the rest of the refund still nets exactly', async () => {
    const { t, program, partner } = await world();
    const [p1] = (await build(t, program.id)).data; // c1 2000 + c2 1000
    await refund(t, program.id, 'ord_1', 'rf_1', 3000); // -600, unclaimed
    await sale(t, program.id, 'cus_1', 5000, { externalId: 'ord_3' }); // +1000
    await approve(t);
    const [p2] = (await build(t, program.id)).data;
    expect(p2).toMatchObject({ amount: 400, entryCount: 2 });
    expect((await t.json('POST', `/v1/payouts/${p2.id}/mark-paid`, { reference: 'SEPA-2' })).status).toBe(200);
    expect((await cancel(t, p1.id)).status).toBe(200);
    const rf2 = await refund(t, program.id, 'ord_1', 'rf_2');
    expect(rf2.body.commissions).toMatchObject([{ kind: 'adjustment', amount: -1400 }]);
    const [p3] = (await build(t, program.id)).data;
    expect(p3).toMatchObject({ amount: 1600, entryCount: 3 });
    await t.json('POST', `/v1/payouts/${p3.id}/mark-paid`, { reference: 'SEPA-3' });
    // Paid in all: c2 and c3 (1000 each); c1, fully refunded, nets to nothing.
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 0, paid: 2000 });
  });

  it('concurrent builds after a cancel claim the released entries once', async () => {
    const { t, program } = await world();
    const [p] = (await build(t, program.id)).data;
    await cancel(t, p.id);
    const runs = await Promise.all([1, 2, 3].map(() => build(t, program.id)));
    const made = runs.flatMap((r) => r.data);
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ amount: 3000, entryCount: 2 });
    expect(await rows(t, `select payout_id, count(*) as n from commissions group by payout_id`)).toEqual([{ payout_id: made[0].id, n: 2 }]);
  });
});

describe('cancel and mark-paid racing: exactly one of them', () => {
  /** Runs `other` (committed) right before the next batch of the request, i.e. after its read. */
  function beforeNextBatch(t: TestApp, other: () => Promise<unknown>) {
    const db = t.db as unknown as { batch: (...a: unknown[]) => Promise<unknown> };
    const original = db.batch.bind(db);
    db.batch = async (...a: unknown[]) => {
      db.batch = original;
      await other();
      return original(...a);
    };
  }

  it('mark-paid commits between the cancel\'s read and its batch: 409 payout_paid, the payout and entries paid', async () => {
    const { t, program, partner } = await world();
    const [p] = (await build(t, program.id)).data;
    beforeNextBatch(t, () => markPaidQuery(t.db, p.id, 'SEPA-1', t.now));
    const r = await cancel(t, p.id, { reason: 'x' });
    expectApiError(r, 409, 'conflict');
    expect(r.body.error.reason).toBe('payout_paid');
    expect((await t.json('GET', `/v1/payouts/${p.id}`)).body).toMatchObject({ status: 'paid', reference: 'SEPA-1', canceledAt: null, cancelReason: null });
    expect((await commissions(t, program.id)).map((c) => [c.status, c.payoutId])).toEqual([['paid', p.id], ['paid', p.id]]);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 0, paid: 3000 });
  });

  it('cancel commits between the mark-paid\'s read and its batch: 409 payout_canceled, the entries released, none paid', async () => {
    const { t, program, partner } = await world();
    const [p] = (await build(t, program.id)).data;
    beforeNextBatch(t, () => cancelQuery(t.db, p.id, 'x', t.now));
    const r = await t.json('POST', `/v1/payouts/${p.id}/mark-paid`, { reference: 'SEPA-1' });
    expectApiError(r, 409, 'conflict');
    expect(r.body.error.reason).toBe('payout_canceled');
    expect((await t.json('GET', `/v1/payouts/${p.id}`)).body).toMatchObject({ status: 'canceled', reference: null, paidAt: null, cancelReason: 'x' });
    expect((await commissions(t, program.id)).map((c) => [c.status, c.payoutId])).toEqual([['approved', null], ['approved', null]]);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 3000, paid: 0 });
  });

  it('both batches after both reads, either order: the first wins whole, the second changes nothing', async () => {
    for (const first of ['cancel', 'paid'] as const) {
      const { t, program } = await world();
      const [p] = (await build(t, program.id)).data;
      const runCancel = () => cancelQuery(t.db, p.id, null, t.now);
      const runPaid = () => markPaidQuery(t.db, p.id, 'R', t.now);
      const [a, b] = first === 'cancel' ? [runCancel, runPaid] : [runPaid, runCancel];
      await a();
      const end = await b();
      expect(end!.status).toBe(first === 'cancel' ? 'canceled' : 'paid');
      const entries = await rows(t, 'select status, payout_id from commissions');
      expect(entries).toEqual(
        first === 'cancel'
          ? [{ status: 'approved', payout_id: null }, { status: 'approved', payout_id: null }]
          : [{ status: 'paid', payout_id: p.id }, { status: 'paid', payout_id: p.id }],
      );
    }
  });

  it('sent together over HTTP (20 rounds): one 200 and one 409, and the ledger agrees with the winner', async () => {
    const { t, program, partner } = await world();
    for (let i = 0; i < 20; i++) {
      const [p] = (await build(t, program.id)).data;
      const [c, m] = await Promise.all([cancel(t, p.id), t.json('POST', `/v1/payouts/${p.id}/mark-paid`, { reference: `R${i}` })]);
      expect([c.status, m.status].sort()).toEqual([200, 409]);
      const status = (await t.json('GET', `/v1/payouts/${p.id}`)).body.status;
      expect(status).toBe(c.status === 200 ? 'canceled' : 'paid');
      expect((c.status === 200 ? m : c).body.error.reason).toBe(c.status === 200 ? 'payout_canceled' : 'payout_paid');
      if (status === 'paid') {
        // Start the next round from fresh approved money.
        await sale(t, program.id, 'cus_1', 15000, { externalId: `ord_r${i}` });
        await approve(t);
      }
    }
    const b = await balance(t, partner.id);
    const paid = ((await t.json('GET', `/v1/programs/${program.id}/payouts?limit=200&status=paid`)).body.data as any[]);
    expect(b.paid).toBe(sum(paid));
    // Earned: the two first sales and one 15000 sale (3000) after every round that ended paid.
    expect(b.approved + b.paid).toBe(3000 + 3000 * paid.length);
    expect(b.pending).toBe(0);
  });
});
