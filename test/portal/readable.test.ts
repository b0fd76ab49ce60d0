import { describe, expect, it } from 'vitest';
import { portalSignIn } from '../helpers/portal-sign-in';
import { createPartner, createProgram, issueToken, makePartnerApp, ok } from '../me/helpers';

// Read as a partner reads them: every date says it is a UTC day, a pending commission says when its
// hold ends, and an empty list says so instead of showing bare column headers.

function section(html: string, id: string): string {
  const start = html.indexOf(`<h2 id="${id}">`);
  expect(start, id).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</section>', start));
}

describe('portal dates and empty states', () => {
  it('dates are marked UTC; a pending commission shows the day its hold ends; a paid payout its paid day', async () => {
    const h = await makePartnerApp(); // clock 2026-03-01T12:00Z
    const program = await createProgram(h, { currency: 'EUR', holdDays: 30 });
    const jane = await createPartner(h, program.id, 'Jane', 'jane@partner.test', 'JANE');
    await ok(h.admin('POST', `/v1/programs/${program.id}/rewards`, { event: 'lead', type: 'fixed', amount: 1500 }), 201);
    await ok(h.admin('POST', '/v1/track/lead', { code: 'JANE', customer: { externalId: 'c1' } }));
    await ok(h.admin('POST', `/v1/programs/${program.id}/rewards`, { event: 'sale', type: 'fixed', amount: 2500, holdDays: 0 }), 201);
    await ok(h.admin('POST', '/v1/track/sale', { programId: program.id, customerExternalId: 'c1', externalId: 'inv_1', amount: 9900, currency: 'EUR' }));
    const [payout] = (await ok(h.admin('POST', `/v1/programs/${program.id}/payouts`, { minAmount: 1 }), 201)).data;
    await ok(h.admin('POST', `/v1/payouts/${payout.id}/mark-paid`, { reference: 'SEPA-1' }));
    const cookie = await portalSignIn((path, init) => h.app.request(path, init), await issueToken(h, jane.id));
    const html = await (await h.app.request('/portal', { headers: { cookie } })).text();

    const commissions = section(html, 'commissions');
    expect(commissions).toContain('<thead><tr><th>Date (UTC)</th><th class="num">Amount</th><th>Status</th><th>Why</th></tr></thead>');
    expect(commissions).toMatch(/<td>2026-03-01<\/td><td class="num">€15\.00<\/td><td>pending until 2026-03-31<\/td><td>fixed €15\.00<\/td>/);
    expect(commissions).toMatch(/<td>2026-03-01<\/td><td class="num">€25\.00<\/td><td>paid<\/td><td>fixed €25\.00<\/td>/);
    const payouts = section(html, 'payouts');
    expect(payouts).toContain('<thead><tr><th>Date (UTC)</th><th class="num">Amount</th><th class="num">Commissions</th><th>Status</th></tr></thead>');
    expect(payouts).toContain('<td>paid 2026-03-01 · SEPA-1</td>');
    expect(section(html, 'activity')).toContain('<h2 id="activity">Last 30 days (UTC)</h2>');
    expect(section(html, 'activity')).toContain('<th>Day (UTC)</th>');

    const statement = await (await h.app.request(`/portal/payouts/${payout.id}`, { headers: { cookie } })).text();
    expect(statement).toContain('<span class="muted">Created (UTC)</span><b data-summary="created">2026-03-01</b>');
    expect(statement).toContain('<span class="muted">Paid (UTC)</span><b data-summary="paid">2026-03-01</b>');
    expect(statement).toContain('<p class="muted">Earned from 2026-03-01 to 2026-03-01 (UTC days).</p>');
    expect(statement).toContain('<thead><tr><th>Date (UTC)</th><th>Kind</th><th class="num">Amount</th><th>Link</th><th>Why</th></tr></thead>');
  });

  it('a partner with nothing yet: each list says it is empty (no bare table), the leaderboard too', async () => {
    const h = await makePartnerApp();
    const program = await createProgram(h, { currency: 'EUR', leaderboardEnabled: true });
    const jane = await createPartner(h, program.id, 'Jane', 'jane@partner.test', 'JANE');
    const cookie = await portalSignIn((path, init) => h.app.request(path, init), await issueToken(h, jane.id));
    const html = await (await h.app.request('/portal', { headers: { cookie } })).text();
    expect(section(html, 'earnings')).toContain('<p class="muted">No earnings yet.</p>');
    const commissions = section(html, 'commissions');
    expect(commissions).toContain('<p class="muted">No commissions yet.</p>');
    expect(commissions).not.toContain('<table>');
    expect(section(html, 'payouts')).toContain('<p class="muted">No payouts yet.</p>');
    const leaderboard = section(html, 'leaderboard');
    expect(leaderboard).toContain('<p class="muted">No sales in the last 30 days yet.</p>');
    expect(leaderboard).not.toContain('<ol>');
  });
});
