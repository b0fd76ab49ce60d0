import { describe, expect, it } from 'vitest';
import { createPartner, createProgram, issueToken, makePartnerApp, ok } from '../me/helpers';
import { portalSignIn } from '../helpers/portal-sign-in';

/** Jane (EUR, no hold) earns 12.50 per lead, three leads; a payout of 37.50 is built, then canceled. */
async function world() {
  const h = await makePartnerApp();
  const program = await createProgram(h, { currency: 'EUR', holdDays: 0 });
  const jane = await createPartner(h, program.id, 'Jane', 'jane@partner.test', 'JANE');
  await ok(h.admin('POST', `/v1/programs/${program.id}/rewards`, { event: 'lead', type: 'fixed', amount: 1250 }), 201);
  for (let i = 0; i < 3; i++) {
    await ok(h.admin('POST', '/v1/track/lead', { code: 'JANE', customer: { externalId: `cus_${i}` } }));
    h.t.advance(1000);
  }
  await ok(h.admin('POST', '/v1/jobs/approve-commissions'));
  const [payout] = (await ok(h.admin('POST', `/v1/programs/${program.id}/payouts`, {}), 201)).data;
  h.t.advance(86_400_000);
  const canceled = await ok(h.admin('POST', `/v1/payouts/${payout.id}/cancel`, { reason: 'bank details missing' }));
  const token = await issueToken(h, jane.id);
  return { h, program, jane, payout, canceled, asJane: h.as(token), token };
}

describe('a canceled payout as the partner sees it', () => {
  it('/v1/me: listed as canceled with its date and reason, a statement with no entries, the balance approved again', async () => {
    const { h, token, asJane, payout, canceled } = await world();
    expect(canceled).toMatchObject({ status: 'canceled', canceledAt: '2026-03-02T12:00:03.000Z', cancelReason: 'bank details missing' });
    const list = await ok(asJane('GET', '/v1/me/payouts'));
    expect(list.data).toEqual([canceled]);
    const st = await ok(asJane('GET', `/v1/me/payouts/${payout.id}`));
    expect(st).toMatchObject({ id: payout.id, status: 'canceled', amount: 3750, entryCount: 3, period: null, entries: [], nextCursor: null });
    const csv = await h.app.request(`/v1/me/payouts/${payout.id}?format=csv`, { headers: { authorization: `Bearer ${token}` } });
    expect(csv.status).toBe(200);
    expect((await csv.text()).trim().split('\r\n')).toHaveLength(1); // the header alone
    const bal = await ok(asJane('GET', '/v1/me/balance'));
    expect(bal.balances).toEqual([{ unit: 'EUR', pending: 0, approved: 3750, paid: 0, formatted: { pending: '0.00', approved: '37.50', paid: '0.00' } }]);
    const coms = await ok(asJane('GET', '/v1/me/commissions?status=approved'));
    expect(coms.data.map((c: any) => [c.status, c.payoutId])).toEqual([['approved', null], ['approved', null], ['approved', null]]);
  });

  it('the portal: the payout row says canceled and its day; the statement says why, lists no entries and no total', async () => {
    const { h, token, payout } = await world();
    const cookie = await portalSignIn((path, init) => h.app.request(path, init), token);
    const dash = await (await h.app.request('/portal', { headers: { cookie } })).text();
    const row = dash.slice(dash.indexOf(`data-payout="${payout.id}"`), dash.indexOf('</tr>', dash.indexOf(`data-payout="${payout.id}"`)));
    expect(row).toContain('canceled 2026-03-02');
    // The balance cards show the released money as approved again.
    expect(dash).toContain('€37.50');
    const res = await h.app.request(`/portal/payouts/${payout.id}`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<b data-summary="status">canceled</b>');
    expect(html).toMatch(/data-summary="canceled">\s*Canceled on 2026-03-02: bank details missing\. Nothing was paid/);
    expect(html).not.toContain('data-entry=');
    expect(html).not.toContain('data-total');
  });
});
