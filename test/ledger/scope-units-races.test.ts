import { describe, expect, it } from 'vitest';
import { expectApiError } from '../foundation/support';
import { seedProgram } from '../helpers/app';
import { addReward, balance, commissions, leadByCode, refund, sale, setup, sum } from '../conversions/support';
import { allEntries, ok, wholeStatement } from '../reliability/properties/support';

describe('refund scope', () => {
  it('a refund names a sale of its own program: another program\'s sale or a refund id is 404 and writes nothing', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 2000 });
    await leadByCode(t, partner.code, 'cus_1');
    await sale(t, program.id, 'cus_1', 10000, { externalId: 'ord_x' });
    const other = await seedProgram(t, { name: 'Other' });

    const foreign = await refund(t, other.program.id, 'ord_x', 'rf_1');
    expectApiError(foreign, 404, 'not_found');
    expect(foreign.body.error.message).toBe('Sale not found');
    expect((await refund(t, program.id, 'ord_x', 'rf_2', 4000)).status).toBe(200);
    // A refund is not a sale: refunding it is 404.
    expectApiError(await refund(t, program.id, 'rf_2', 'rf_3'), 404, 'not_found');
    expect((await commissions(t, program.id)).map((c) => [c.kind, c.amount])).toEqual([['reversal', -800], ['commission', 2000]]);
    expect(await commissions(t, other.program.id)).toEqual([]);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 1200, paid: 0 });
  });
});

describe('payouts never mix units', () => {
  it('a partner earning EUR and MB gets one payout per unit, each the sum of its own entries (55 each: more than a default page)', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 500, unit: 'MB' });
    await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 700 });
    for (let i = 0; i < 55; i++) await leadByCode(t, partner.code, `cus_${i}`);
    const created = (await ok(t, 'POST', `/v1/programs/${program.id}/payouts`, {}, 201)).data;
    expect(created.map((p: any) => [p.unit, p.amount, p.entryCount]).sort()).toEqual([['EUR', 38_500, 55], ['MB', 27_500, 55]]);
    for (const p of created) {
      // The default page is 50 entries: the first page alone is not the statement.
      expect((await ok(t, 'GET', `/v1/payouts/${p.id}`)).entries).toHaveLength(50);
      const detail = await wholeStatement(t, p.id, 20);
      expect(detail.entries).toHaveLength(55);
      expect(detail.entries.every((e: any) => e.unit === p.unit)).toBe(true);
      expect(sum(detail.entries)).toBe(p.amount);
    }
  });
});

describe('races between refunds, approval, payout builds and mark-paid', () => {
  it('whatever interleaving: no entry in two payouts, payouts hold only approved/paid entries, refunds take back exactly their share', async () => {
    const problems: string[] = [];
    for (let trial = 0; trial < 12; trial++) {
      const { t, program, partner } = await setup({ holdDays: trial % 2 });
      await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 2000 });
      await leadByCode(t, partner.code, 'c1');
      for (let i = 0; i < 3; i++) await sale(t, program.id, 'c1', 1000, { externalId: `o${i}` });
      if (trial % 3 === 0) expect((await refund(t, program.id, 'o0', 'pre', 300)).status).toBe(200);
      t.advance(2 * 86_400_000);
      const calls = [
        () => refund(t, program.id, 'o0', 'r0'),
        () => t.json('POST', '/v1/jobs/approve-commissions'),
        () => t.json('POST', `/v1/programs/${program.id}/payouts`, {}),
        () => refund(t, program.id, 'o1', 'r1', 500),
        () => t.json('POST', `/v1/programs/${program.id}/payouts`, {}),
        () => refund(t, program.id, 'o2', 'r2'),
      ];
      const k = trial % calls.length;
      const rs = await Promise.all([...calls.slice(k), ...calls.slice(0, k)].map((f) => f()));
      expect(rs.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201, 201]);
      const payouts = (await ok(t, 'GET', `/v1/programs/${program.id}/payouts?limit=200`)).data;
      const marks = await Promise.all([...payouts.map((p: any) => t.json('POST', `/v1/payouts/${p.id}/mark-paid`, { reference: 'tr' })), refund(t, program.id, 'o1', 'r1b')]);
      expect(marks.every((r) => r.status === 200)).toBe(true);
      t.advance(2 * 86_400_000);
      await ok(t, 'POST', '/v1/jobs/approve-commissions');
      await ok(t, 'POST', `/v1/programs/${program.id}/payouts`, {}, 201);

      // Every sale is fully refunded: each commission nets exactly 0, and so does the partner.
      const entries = await allEntries(t, program.id);
      const inPayouts: string[] = [];
      const listed = await ok(t, 'GET', `/v1/programs/${program.id}/payouts?limit=200`);
      expect(listed.nextCursor).toBeNull();
      for (const p of listed.data) {
        const d = await wholeStatement(t, p.id);
        if (d.amount !== sum(d.entries)) problems.push(`${trial}: payout ${d.amount} ≠ ${sum(d.entries)}`);
        const want = p.status === 'paid' ? 'paid' : 'approved';
        if (!d.entries.every((e: any) => e.status === want)) problems.push(`${trial}: ${p.status} payout with ${d.entries.map((e: any) => e.status)}`);
        inPayouts.push(...d.entries.map((e: any) => e.id));
      }
      if (new Set(inPayouts).size !== inPayouts.length) problems.push(`${trial}: an entry in two payouts`);
      for (const o of entries.filter((e) => e.kind === 'commission')) {
        const taken = entries.filter((e) => e.reversesId === o.id);
        if (o.amount + sum(taken) !== 0) problems.push(`${trial}: commission ${o.amount} nets ${o.amount + sum(taken)}`);
        if (o.status === 'reversed' && !taken.every((e) => e.status === 'reversed')) problems.push(`${trial}: reversed original, live reversals`);
      }
      const b = await balance(t, partner.id);
      if (b.pending !== 0 || b.paid + b.approved !== 0) problems.push(`${trial}: balance ${JSON.stringify(b)}`);
    }
    expect(problems).toEqual([]);
  }, 60_000);
});
