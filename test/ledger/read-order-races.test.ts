import { afterEach, describe, expect, it, vi } from 'vitest';
import { clickIdOf, visit } from '../foundation/support';
import { addReward, balance, commissions, events, refund, sale, setup, sum } from '../conversions/support';

// Races pinned by running the other writer at an exact point between two reads of the one under
// test: a refund that commits between a read of what was already taken back (the sale's refunds, a
// commission's reversals) and the read of the sale's refund counter its batch is checked against.

const hooks = vi.hoisted(() => ({
  afterRefundsOfSale: null as null | (() => Promise<void>),
  afterCommissionsOfSale: null as null | (() => Promise<void>),
  afterSaleRead: null as null | (() => Promise<void>),
}));

vi.mock('../../src/db/queries/conversions', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../src/db/queries/conversions')>();
  return {
    ...m,
    findRefundsOfSale: async (...args: Parameters<typeof m.findRefundsOfSale>) => {
      const r = await m.findRefundsOfSale(...args);
      const hook = hooks.afterRefundsOfSale;
      hooks.afterRefundsOfSale = null;
      if (hook) await hook();
      return r;
    },
    findEventByDedupeKey: async (...args: Parameters<typeof m.findEventByDedupeKey>) => {
      const r = await m.findEventByDedupeKey(...args);
      const hook = args[2].startsWith('sale:') ? hooks.afterSaleRead : null;
      if (hook) {
        hooks.afterSaleRead = null;
        await hook();
      }
      return r;
    },
  };
});
vi.mock('../../src/db/queries/refunds', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../src/db/queries/refunds')>();
  return {
    ...m,
    commissionsOfSale: async (...args: Parameters<typeof m.commissionsOfSale>) => {
      const r = await m.commissionsOfSale(...args);
      const hook = hooks.afterCommissionsOfSale;
      hooks.afterCommissionsOfSale = null;
      if (hook) await hook();
      return r;
    },
  };
});

afterEach(() => {
  hooks.afterRefundsOfSale = null;
  hooks.afterCommissionsOfSale = null;
  hooks.afterSaleRead = null;
});

describe('a refund committing between reads', () => {
  it('of an early sale while a lead re-decides it: the refund still takes back its share', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 2000 });
    const clickId = clickIdOf(await visit(t, `/${partner.code}`))!;
    t.advance(1000);
    await sale(t, program.id, 'late1', 10000, { externalId: 'ord_early' });
    t.advance(1000);
    // The lead's pass reads the sale's refunds (none), then this refund of 4000 commits.
    hooks.afterRefundsOfSale = async () => {
      const r = await refund(t, program.id, 'ord_early', 'rf_1', 4000);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    };
    const l = await t.json('POST', '/v1/track/lead', { clickId, customer: { externalId: 'late1' } });
    expect(l.status, JSON.stringify(l.body)).toBe(200);
    expect(hooks.afterRefundsOfSale).toBeNull();

    const evs = await events(t, program.id);
    expect(evs.find((e) => e.externalId === 'ord_early')).toMatchObject({ status: 'attributed', partnerId: partner.id });
    expect(evs.find((e) => e.externalId === 'rf_1')).toMatchObject({ status: 'attributed', partnerId: partner.id, amount: 4000 });
    const ledger = await commissions(t, program.id);
    expect(ledger.map((c) => [c.kind, c.amount, c.status]).sort()).toEqual([['commission', 2000, 'approved'], ['reversal', -800, 'approved']].sort());
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 1200, paid: 0 });
    // The rest refunded: all of it taken back, never more.
    expect((await refund(t, program.id, 'ord_early', 'rf_2')).status).toBe(200);
    expect(sum(await commissions(t, program.id))).toBe(0);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 0, paid: 0 });
  });

  it('of a sale while its commission (in a payout) is voided: void and refund together take back the commission once', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 2000 });
    expect((await t.json('POST', '/v1/track/lead', { code: partner.code, customer: { externalId: 'c1' } })).status).toBe(200);
    const s = await sale(t, program.id, 'c1', 10000, { externalId: 'ord_1' });
    const original = s.commissions[0];
    const built = await t.json('POST', `/v1/programs/${program.id}/payouts`, {});
    expect(built.body.data.map((p: any) => p.amount)).toEqual([2000]);
    // The void reads what refunds took (nothing), then a refund of half commits (an adjustment of -1000).
    hooks.afterCommissionsOfSale = async () => {
      const r = await refund(t, program.id, 'ord_1', 'rf_1', 5000);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    };
    const v = await t.json('POST', `/v1/commissions/${original.id}/void`, { reason: 'fraud' });
    expect(v.status, JSON.stringify(v.body)).toBe(201);
    expect(hooks.afterCommissionsOfSale).toBeNull();
    expect(v.body.entry).toMatchObject({ kind: 'adjustment', amount: -1000, status: 'approved' });
    const takenBack = (await commissions(t, program.id)).filter((c) => c.reversesId === original.id);
    expect(takenBack.map((c) => c.amount).sort()).toEqual([-1000, -1000]);
    // Cancel the payout: the partner's approved balance is 0, not -1000.
    expect((await t.json('POST', `/v1/payouts/${built.body.data[0].id}/cancel`, {})).status).toBe(200);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 0, paid: 0 });
  });

  it('of a sale while its unclaimed commission is voided: the void takes the rest, the ledger nets to 0', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 2000 });
    expect((await t.json('POST', '/v1/track/lead', { code: partner.code, customer: { externalId: 'c1' } })).status).toBe(200);
    const s = await sale(t, program.id, 'c1', 10000, { externalId: 'ord_1' });
    hooks.afterCommissionsOfSale = async () => {
      expect((await refund(t, program.id, 'ord_1', 'rf_1', 2500)).status).toBe(200);
    };
    const v = await t.json('POST', `/v1/commissions/${s.commissions[0].id}/void`);
    expect(v.status, JSON.stringify(v.body)).toBe(201);
    expect(v.body.entry).toMatchObject({ kind: 'reversal', amount: -1500, status: 'reversed' });
    const ledger = await commissions(t, program.id);
    expect(sum(ledger)).toBe(0);
    expect(ledger.every((c) => c.status === 'reversed')).toBe(true);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 0, paid: 0 });
  });

  it('that read an early sale just before a lead attributed it: the refund is the partner\'s, as its reversal is', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 2000 });
    const clickId = clickIdOf(await visit(t, `/${partner.code}`))!;
    t.advance(1000);
    await sale(t, program.id, 'late1', 10000, { externalId: 'ord_early' });
    t.advance(1000);
    // The refund reads the sale (unattributed), then the lead attributes it and credits 2000.
    hooks.afterSaleRead = async () => {
      const l = await t.json('POST', '/v1/track/lead', { clickId, customer: { externalId: 'late1' } });
      expect(l.status, JSON.stringify(l.body)).toBe(200);
    };
    const r = await refund(t, program.id, 'ord_early', 'rf_1', 4000);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(hooks.afterSaleRead).toBeNull();
    expect(r.body.event).toMatchObject({ status: 'attributed', reason: null, partnerId: partner.id, clickId });
    expect(r.body.commissions.map((c: any) => c.amount)).toEqual([-800]);
    expect((await events(t, program.id)).find((e) => e.externalId === 'rf_1')).toMatchObject({ status: 'attributed', partnerId: partner.id });
    // Reports: the partner's commissions net of the reversal (nothing booked under no partner).
    const rep = await t.json('GET', `/v1/programs/${program.id}/report?from=2026-02-20&to=2026-03-31&groupBy=partner`);
    expect(rep.status, JSON.stringify(rep.body)).toBe(200);
    const rows = rep.body.rows as any[];
    expect(rows.map((x) => [x.key, x.commissions])).toEqual([[partner.id, [{ unit: 'EUR', amount: 1200 }]]]);
  });
});
