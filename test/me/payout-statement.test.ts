import { beforeAll, describe, expect, it } from 'vitest';
import { expectApiError } from '../foundation/support';
import { issueToken, makePartnerApp, ok, rowCounts, snapshot, type Call, type PartnerApp } from './helpers';
import { SETTLED, seedWorld, type World } from './world';

const HOUR = 3_600_000;
const DAY = 86_400_000;

// One world for the file (reads only after beforeAll). On top of seedWorld: A's sale (inv_a1,
// 10000 → 2000) is half refunded after its payout was paid (an adjustment of -1000), A earns one
// more lead, and a second payout nets them: lead a3 1000 + adjustment -1000 + lead a4 1000 = 1000.
let h: PartnerApp;
let w: World;
let asA: Call;
let second: any;
beforeAll(async () => {
  h = await makePartnerApp();
  w = await seedWorld(h);
  asA = h.as(w.A.token);
  h.t.setNow(new Date(SETTLED.getTime() + HOUR));
  await ok(h.admin('POST', '/v1/track/refund', { programId: w.acme.id, saleExternalId: 'inv_a1', externalId: 'rf_a1', amount: 5000 }));
  h.t.setNow(new Date(SETTLED.getTime() + 2 * HOUR));
  await ok(h.admin('POST', '/v1/track/lead', { code: 'ALICE', customer: { externalId: 'cus_a4' } }));
  h.t.setNow(new Date(SETTLED.getTime() + 31 * DAY));
  await ok(h.admin('POST', '/v1/jobs/approve-commissions'));
  const made = (await ok(h.admin('POST', `/v1/programs/${w.acme.id}/payouts`, {}), 201)).data as any[];
  expect(made.map((p) => [p.partnerId, p.amount, p.entryCount])).toEqual([[w.A.id, 1000, 3]]);
  second = made[0];
  // The world's tokens (7 days) expired with the clock: fresh ones for A, B and C.
  for (const p of [w.A, w.B, w.C]) p.token = await issueToken(h, p.id);
  asA = h.as(w.A.token);
});

/** A's ledger as /v1/me/commissions shows it, keyed by id. */
async function mine(): Promise<Map<string, any>> {
  const all = (await ok(asA('GET', '/v1/me/commissions?limit=200'))).data as any[];
  return new Map(all.map((c) => [c.id, c]));
}

describe('GET /v1/me/payouts/:id — the partner’s payout statement', () => {
  it('the paid payout: header, period and its entries (newest first) as /v1/me/commissions shows them, with the link code', async () => {
    const r = await ok(asA('GET', `/v1/me/payouts/${w.A.payout.id}`));
    const ledger = await mine();
    const entries = [...ledger.values()].filter((c) => c.payoutId === w.A.payout.id);
    expect(entries).toHaveLength(3);
    expect(r).toEqual({
      ...w.A.payout,
      status: 'paid',
      reference: 'SEPA-A-1',
      paidAt: SETTLED.toISOString(),
      amount: 4000,
      amountFormatted: '40.00',
      entryCount: 3,
      period: { from: entries.map((e) => e.createdAt).sort()[0], to: entries.map((e) => e.createdAt).sort()[2] },
      entries: r.entries.map((e: any) => ({ ...ledger.get(e.id), linkCode: 'ALICE', campaign: null })),
      nextCursor: null,
    });
    expect(r.entries.map((e: any) => e.id).sort()).toEqual(entries.map((e) => e.id).sort());
    expect(r.entries.map((e: any) => [e.kind, e.amount, e.status])).toEqual(
      expect.arrayContaining([['commission', 2000, 'paid'], ['commission', 1000, 'paid'], ['commission', 1000, 'paid']]),
    );
    expect(r.entries.reduce((s: number, e: any) => s + e.amount, 0)).toBe(4000);
  });

  it('a pending payout with an adjustment: a negative line, exact order, amounts sum to the payout', async () => {
    const r = await ok(asA('GET', `/v1/me/payouts/${second.id}`));
    expect(r).toMatchObject({ id: second.id, partnerId: w.A.id, status: 'pending', paidAt: null, reference: null, amount: 1000, amountFormatted: '10.00', entryCount: 3, unit: 'EUR', nextCursor: null });
    expect(r.period).toEqual({ from: SETTLED.toISOString(), to: new Date(SETTLED.getTime() + 2 * HOUR).toISOString() });
    expect(r.entries.map((e: any) => [e.kind, e.amount, e.status, e.createdAt, e.linkCode])).toEqual([
      ['commission', 1000, 'approved', new Date(SETTLED.getTime() + 2 * HOUR).toISOString(), 'ALICE'],
      ['adjustment', -1000, 'approved', new Date(SETTLED.getTime() + HOUR).toISOString(), 'ALICE'],
      ['commission', 1000, 'approved', SETTLED.toISOString(), 'ALICE'],
    ]);
    const adjustment = r.entries[1];
    expect(r.entries.map((e: any) => e.id)).not.toContain(adjustment.reversesId);
    expect(w.A.commissionIds).toContain(adjustment.reversesId);
  });

  it('pages the entries with limit and cursor; a bad cursor or limit is a 422', async () => {
    const all = (await ok(asA('GET', `/v1/me/payouts/${second.id}`))).entries.map((e: any) => e.id);
    const p1 = await ok(asA('GET', `/v1/me/payouts/${second.id}?limit=2`));
    expect(p1.entries).toHaveLength(2);
    expect(p1.nextCursor).toEqual(expect.any(String));
    expect([p1.amount, p1.entryCount]).toEqual([1000, 3]); // the header is the whole payout on every page
    const p2 = await ok(asA('GET', `/v1/me/payouts/${second.id}?limit=2&cursor=${p1.nextCursor}`));
    expect([p2.entries.length, p2.nextCursor]).toEqual([1, null]);
    expect([...p1.entries, ...p2.entries].map((e: any) => e.id)).toEqual(all);
    expect(p2.period).toEqual(p1.period);
    expectApiError(await asA('GET', `/v1/me/payouts/${second.id}?limit=0`), 422, 'validation_failed', 'limit');
    expectApiError(await asA('GET', `/v1/me/payouts/${second.id}?cursor=%%%`), 422, 'validation_failed', 'cursor');
    expectApiError(await asA('GET', `/v1/me/payouts/${second.id}?format=xml`), 422, 'validation_failed', 'format');
  });

  it('another partner’s payout (same or other program) or an unknown id is a 404 not_found, as JSON and CSV, and reads write nothing', async () => {
    const before = await snapshot(h.t);
    for (const id of [w.B.payout.id, w.C.payout.id, 'pay_unknown', w.A.commissionIds[0]!, 'x'.repeat(300)]) {
      for (const q of ['', '?format=csv']) {
        const r = await asA('GET', `/v1/me/payouts/${id}${q}`);
        expectApiError(r, 404, 'not_found');
        expect(r.res.headers.get('content-type')).toMatch(/^application\/json/);
      }
    }
    // B sees its own, never A's
    expect((await ok(h.as(w.B.token)('GET', `/v1/me/payouts/${w.B.payout.id}`))).entries.map((e: any) => e.amount).sort()).toEqual([1000, 1000]);
    expectApiError(await h.as(w.B.token)('GET', `/v1/me/payouts/${w.A.payout.id}`), 404, 'not_found');
    expectApiError(await h.as(null)('GET', `/v1/me/payouts/${w.A.payout.id}`), 401, 'unauthorized');
    expectApiError(await h.admin('GET', `/v1/me/payouts/${w.A.payout.id}`), 401, 'unauthorized');
    const after = await snapshot(h.t);
    expect(rowCounts(after)).toEqual(rowCounts(before));
    expect(after).toEqual(before);
  });

  it('?format=csv: the whole statement, exact, with a download filename; amounts in major units, signed', async () => {
    const r = await h.app.request(`/v1/me/payouts/${second.id}?format=csv&limit=1`, { headers: { authorization: `Bearer ${w.A.token}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="payout-${second.id}.csv"`);
    const json = await ok(asA('GET', `/v1/me/payouts/${second.id}`));
    const rows = json.entries.map((e: any) => [second.id, 'pending', e.createdAt, e.id, e.kind, e.status, (e.amount / 100).toFixed(2), 'EUR', e.eventId, e.reversesId ?? '', 'ALICE', '', e.explanation.includes(',') ? `"${e.explanation}"` : e.explanation].join(','));
    expect(await r.text()).toBe(
      ['payout_id,payout_status,created_at,commission_id,kind,status,amount,unit,event_id,reverses_id,link_code,campaign,explanation', ...rows, ''].join('\r\n'),
    );
    expect(rows.map((l: string) => l.split(',')[6])).toEqual(['10.00', '-10.00', '10.00']);
  });
});

describe('GET /v1/payouts/:id (admin) reads the payout and its entries together', () => {
  it('lists entries oldest first with the header as before', async () => {
    const r = await ok(h.admin('GET', `/v1/payouts/${second.id}`));
    expect(r).toMatchObject({ id: second.id, amount: 1000, entryCount: 3, status: 'pending' });
    expect(r.entries.map((e: any) => [e.kind, e.amount])).toEqual([['commission', 1000], ['adjustment', -1000], ['commission', 1000]]);
    expectApiError(await h.admin('GET', '/v1/payouts/pay_unknown'), 404, 'not_found');
  });
});

describe('payout statement CSV: text a spreadsheet would run is defused', () => {
  it('a campaign starting with = (and one after a ;) gets a leading quote; the amount does not', async () => {
    const f = await makePartnerApp();
    const p = await ok(f.admin('POST', '/v1/programs', { name: 'Acme', currency: 'EUR', defaultUrl: 'https://acme.test/', allowedHosts: ['acme.test'], holdDays: 0 }), 201);
    const jane = await ok(f.admin('POST', `/v1/programs/${p.id}/partners`, { name: 'Jane', email: 'jane@partner.test', code: 'JANE' }), 201);
    await ok(f.admin('POST', `/v1/partners/${jane.id}/links`, { url: 'https://acme.test/x', code: 'sum-link', campaign: '=SUM(A1);@x' }), 201);
    await ok(f.admin('POST', `/v1/programs/${p.id}/rewards`, { event: 'lead', type: 'fixed', amount: 1250 }), 201);
    await ok(f.admin('POST', '/v1/track/lead', { code: 'sum-link', customer: { externalId: 'cus_1' } }));
    f.t.advance(60_000);
    await ok(f.admin('POST', '/v1/jobs/approve-commissions'));
    const [payout] = (await ok(f.admin('POST', `/v1/programs/${p.id}/payouts`, {}), 201)).data;
    const res = await f.app.request(`/v1/me/payouts/${payout.id}?format=csv`, { headers: { authorization: `Bearer ${await issueToken(f, jane.id)}` } });
    const [, line, end] = (await res.text()).split('\r\n');
    const cells = line!.split(',');
    expect([cells[6], cells[7], cells[10], cells[11], end]).toEqual(['12.50', 'EUR', 'sum-link', "'=SUM(A1);'@x", '']);
  });
});
