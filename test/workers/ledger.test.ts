import { describe, expect, it } from 'vitest';
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import worker from '../../src/worker';
import { ADMIN_KEY, ORIGIN, json, self } from './helpers';
import { DAY, addReward, balance, commissions, leadByCode, program, refund, sale, sum } from './tracking';

/** The Workers cron as workerd runs it: the worker's `scheduled` handler, waiting for its waitUntil. */
async function cron(scheduledTime: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime, cron: '*/15 * * * *' }), env, ctx);
  await waitOnExecutionContext(ctx);
}

/** A program paying 20% of each sale, with one attributed customer. */
async function percentProgram(holdDays: number) {
  const { program: p, partner } = await program({ holdDays });
  await addReward(p.id, { event: 'sale', type: 'percent', amount: 2000 });
  await leadByCode(partner.code, 'cus_1');
  return { p, partner };
}

describe('refunds on workerd with D1', () => {
  it('30% then 70% of a 10001 sale: reversals sum to exactly -2000, everything reversed, balance 0', async () => {
    const { p, partner } = await percentProgram(30);
    const s = await sale(p.id, 'cus_1', 'ord_odd', 10001);
    const [original] = s.commissions;
    expect(original).toMatchObject({ amount: 2000, status: 'pending', explanation: '20% of 10001 = 2000' });
    expect(await balance(partner.id)).toEqual({ pending: 2000, approved: 0, paid: 0 });

    const r1 = await refund(p.id, 'ord_odd', 'rf_1', 3000);
    expect(r1.status, JSON.stringify(r1.body)).toBe(200);
    // floor(2000 × 3000 / 10001) = 599; the original stays pending.
    expect(r1.body.event).toMatchObject({ type: 'refund', amount: 3000, saleEventId: s.event.id, partnerId: partner.id });
    expect(r1.body.commissions.map((c: any) => [c.kind, c.reversesId, c.amount, c.status])).toEqual([['reversal', original.id, -599, 'pending']]);
    expect(await balance(partner.id)).toEqual({ pending: 1401, approved: 0, paid: 0 });

    const r2 = await refund(p.id, 'ord_odd', 'rf_2', 7001);
    expect(r2.status, JSON.stringify(r2.body)).toBe(200);
    expect(r2.body.commissions.map((c: any) => [c.kind, c.reversesId, c.amount, c.status])).toEqual([['reversal', original.id, -1401, 'reversed']]);

    const ledger = await commissions(p.id);
    expect(ledger.map((c) => [c.kind, c.amount, c.status]).sort()).toEqual([
      ['commission', 2000, 'reversed'],
      ['reversal', -1401, 'reversed'],
      ['reversal', -599, 'reversed'],
    ]);
    expect(sum(ledger.filter((c) => c.kind === 'reversal'))).toBe(-original.amount);
    expect(await balance(partner.id)).toEqual({ pending: 0, approved: 0, paid: 0 });

    const over = await refund(p.id, 'ord_odd', 'rf_3', 1);
    expect(over.status).toBe(422);
    expect(over.body.error).toMatchObject({ code: 'validation_failed', reason: 'already_refunded' });
    expect(await commissions(p.id)).toHaveLength(3);
  });

  it('a full refund without an amount reverses the whole commission at once', async () => {
    const { p, partner } = await percentProgram(0);
    const s = await sale(p.id, 'cus_1', 'ord_full', 5000);
    expect(s.commissions.map((c: any) => [c.amount, c.status])).toEqual([[1000, 'approved']]);
    const r = await refund(p.id, 'ord_full', 'rf_full');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.event).toMatchObject({ type: 'refund', amount: 5000 });
    expect(r.body.commissions.map((c: any) => [c.kind, c.amount, c.status])).toEqual([['reversal', -1000, 'reversed']]);
    expect((await commissions(p.id)).map((c) => [c.kind, c.amount, c.status]).sort()).toEqual([
      ['commission', 1000, 'reversed'],
      ['reversal', -1000, 'reversed'],
    ]);
    expect(await balance(partner.id)).toEqual({ pending: 0, approved: 0, paid: 0 });
  });

  it('a sale that earned on 101 rules can be refunded: its reads stay under D1’s 100 bound parameters', async () => {
    const { program: p, partner } = await program({ holdDays: 0 });
    for (let i = 0; i < 101; i++) await addReward(p.id, { event: 'sale', type: 'fixed', amount: 10 });
    await leadByCode(partner.code, 'cus_1');
    const s = await sale(p.id, 'cus_1', 'ord_101', 9900);
    expect(s.commissions).toHaveLength(101);

    const half = await refund(p.id, 'ord_101', 'rf_half', 4950);
    expect(half.status, JSON.stringify(half.body)).toBe(200);
    expect(half.body.commissions).toHaveLength(101);
    expect(half.body.commissions.every((c: any) => c.kind === 'reversal' && c.amount === -5 && c.status === 'approved')).toBe(true);
    expect(await balance(partner.id)).toEqual({ pending: 0, approved: 505, paid: 0 });

    const rest = await refund(p.id, 'ord_101', 'rf_rest');
    expect(rest.status, JSON.stringify(rest.body)).toBe(200);
    expect(rest.body.commissions.every((c: any) => c.kind === 'reversal' && c.amount === -5 && c.status === 'reversed')).toBe(true);
    const ledger = await json('GET', `/v1/programs/${p.id}/commissions?status=reversed&limit=200`);
    expect(ledger.body.data).toHaveLength(200);
    expect(await balance(partner.id)).toEqual({ pending: 0, approved: 0, paid: 0 });
  });
});

describe('hold, cron approval and payouts on workerd with D1', () => {
  it('pending for 30 days → the scheduled handler approves → one payout → mark-paid', async () => {
    const { p, partner } = await percentProgram(30);
    const a = await sale(p.id, 'cus_1', 'ord_a', 10000);
    const b = await sale(p.id, 'cus_1', 'ord_b', 4567);
    const entries = [...a.commissions, ...b.commissions];
    // 20% of 4567 = 913.4 → 913
    expect(entries.map((c: any) => [c.amount, c.status])).toEqual([
      [2000, 'pending'],
      [913, 'pending'],
    ]);
    for (const [s, c] of [[a, a.commissions[0]], [b, b.commissions[0]]]) {
      expect(c.holdUntil).toBe(new Date(new Date(s.event.occurredAt).getTime() + 30 * DAY).toISOString());
    }
    expect(await balance(partner.id)).toEqual({ pending: 2913, approved: 0, paid: 0 });

    // Nothing is payable while on hold.
    expect((await json('POST', `/v1/programs/${p.id}/payouts`, {})).body).toEqual({ data: [], skipped: [] });

    // One millisecond before the earlier hold ends: the cron approves nothing.
    const holdEnds = entries.map((c: any) => new Date(c.holdUntil).getTime());
    await cron(Math.min(...holdEnds) - 1);
    expect(await balance(partner.id)).toEqual({ pending: 2913, approved: 0, paid: 0 });

    await cron(Math.max(...holdEnds));
    const approved = await commissions(p.id, { status: 'approved' });
    expect(approved.map((c) => c.id).sort()).toEqual(entries.map((c: any) => c.id).sort());
    expect(await balance(partner.id)).toEqual({ pending: 0, approved: 2913, paid: 0 });

    const first = await json('POST', `/v1/programs/${p.id}/payouts`, {});
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.data).toEqual([
      expect.objectContaining({ programId: p.id, partnerId: partner.id, unit: 'USD', amount: 2913, entryCount: 2, status: 'pending', reference: null, paidAt: null }),
    ]);
    const [payout] = first.body.data;
    const second = await json('POST', `/v1/programs/${p.id}/payouts`, {});
    expect(second.status).toBe(201);
    expect(second.body).toEqual({ data: [], skipped: [] });

    const paid = await json('POST', `/v1/payouts/${payout.id}/mark-paid`, { reference: 'ACH-2026-001' });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body).toMatchObject({ id: payout.id, status: 'paid', reference: 'ACH-2026-001', amount: 2913, entryCount: 2 });
    expect(await balance(partner.id)).toEqual({ pending: 0, approved: 0, paid: 2913 });

    const detail = await json('GET', `/v1/payouts/${payout.id}`);
    expect(detail.body.entries.map((e: any) => [e.amount, e.status, e.payoutId]).sort()).toEqual([
      [2000, 'paid', payout.id],
      [913, 'paid', payout.id],
    ]);
    // The partner's own statement on D1 (payout, period and entries in one batch), as JSON and CSV.
    const asPartner = { authorization: `Bearer ${(await json('POST', `/v1/partners/${partner.id}/tokens`, {})).body.token}` };
    const mine = await json('GET', `/v1/me/payouts/${payout.id}`, undefined, asPartner);
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    expect(mine.body).toMatchObject({ id: payout.id, status: 'paid', amount: 2913, entryCount: 2, nextCursor: null });
    expect(mine.body.entries.map((e: any) => [e.amount, e.status, e.linkCode]).sort()).toEqual([[2000, 'paid', partner.code], [913, 'paid', partner.code]]);
    const csv = await self('GET', `/v1/me/payouts/${payout.id}?format=csv`, undefined, asPartner);
    expect([csv.status, csv.headers.get('content-disposition')]).toEqual([200, `attachment; filename="payout-${payout.id}.csv"`]);
    expect((await csv.text()).split('\r\n').slice(1, -1).map((l) => l.split(',')[6]).sort()).toEqual(['20.00', '9.13']);
    // A later cron run and payout run change nothing.
    await cron(Math.max(...holdEnds) + DAY);
    expect((await json('POST', `/v1/programs/${p.id}/payouts`, {})).body).toEqual({ data: [], skipped: [] });
    expect(await balance(partner.id)).toEqual({ pending: 0, approved: 0, paid: 2913 });
  });
});

describe('a partial refund racing the cron on workerd with D1', () => {
  it('the cron approving the original between the refund\'s read and its batch: the reversal is approved with it', async () => {
    const { p, partner } = await percentProgram(30);
    const s = await sale(p.id, 'cus_1', 'ord_race', 10000);
    const [original] = s.commissions;
    expect(original).toMatchObject({ amount: 2000, status: 'pending' });
    // The hold ends now (instead of in 30 days): the next cron approves it.
    await env.DB.prepare('update commissions set hold_until = ? where id = ?').bind(Date.now() - 1, original.id).run();

    // The refund runs on a D1 whose next batch first lets the cron commit.
    let armed = true;
    const db = env.DB;
    const hooked = {
      prepare: (query: string) => db.prepare(query),
      exec: (query: string) => db.exec(query),
      batch: async (statements: D1PreparedStatement[]) => {
        if (armed) {
          armed = false;
          await cron(Date.now());
        }
        return db.batch(statements);
      },
    };
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`${ORIGIN}/v1/track/refund`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ programId: p.id, saleExternalId: 'ord_race', externalId: 'rf_race', amount: 3000 }),
      }),
      { ...env, DB: hooked as unknown as D1Database },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const body = (await res.json()) as any;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(armed).toBe(false);
    expect(body.commissions.map((c: any) => [c.kind, c.reversesId, c.amount, c.status])).toEqual([['reversal', original.id, -600, 'approved']]);
    expect(await balance(partner.id)).toEqual({ pending: 0, approved: 1400, paid: 0 });
    const payouts = await json('POST', `/v1/programs/${p.id}/payouts`, {});
    expect(payouts.body.data.map((x: any) => [x.amount, x.entryCount])).toEqual([[1400, 2]]);
  });
});

describe('the cron deletes expired Idempotency-Keys on D1', () => {
  it('a key answered 24 h before the cron is deleted, a younger one is kept and still replays', async () => {
    const body = { name: 'Keyed', currency: 'EUR', defaultUrl: 'https://acme.test/', allowedHosts: ['acme.test'] };
    const first = await json('POST', '/v1/programs', body, { 'idempotency-key': 'k-young' });
    expect(first.status).toBe(201);
    const now = Date.now();
    await env.DB.prepare("insert into idempotency_keys (key, request_hash, status, response, created_at) values ('old', 'h', 201, '{}', ?)").bind(now - 86_400_000).run();
    await cron(now);
    const { results } = await env.DB.prepare('select key, status from idempotency_keys').all<{ key: string; status: number }>();
    expect(results.map((r) => r.status)).toEqual([201]);
    expect(results.some((r) => r.key === 'old')).toBe(false);
    const replay = await json('POST', '/v1/programs', body, { 'idempotency-key': 'k-young' });
    expect([replay.status, replay.res.headers.get('idempotent-replayed'), replay.body.id]).toEqual([201, 'true', first.body.id]);
  });
});
