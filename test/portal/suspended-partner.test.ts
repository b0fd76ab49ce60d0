import { describe, expect, it } from 'vitest';
import { CHROME_MAC, expectApiError } from '../foundation/support';
import { ok, signedInPortal } from '../me/helpers';

// What README "Suspending a partner" promises, end to end through one partner: the portal session,
// API tokens, new tokens, links and referrals stop at once; a reactivation brings back what was
// not revoked (the same session, the same tokens, credited clicks).
describe('a suspended partner', () => {
  it('is locked out of the portal and the API, cannot get a token, and their links stop counting; reactivated, the same session works', async () => {
    const { h, cookie, token } = await signedInPortal();
    const me = (await ok(h.as(token)('GET', '/v1/me'))) as { id: string; programId: string; code: string };
    const program = await ok(h.admin('GET', `/v1/programs/${me.programId}`));
    const clickOn = (code: string) => h.app.request(`/${code}`, { headers: { 'user-agent': CHROME_MAC } });
    expect(new URL((await clickOn(me.code)).headers.get('location')!).searchParams.get('rcid')).toMatch(/^clk_/);
    const csrf = /name="csrf" value="([0-9a-f]{32})"/.exec(await (await h.app.request('/portal', { headers: { cookie } })).text())![1]!;
    const postForm = (path: string, body: Record<string, string>) =>
      h.app.request(path, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf, ...body }) });

    await ok(h.admin('PATCH', `/v1/partners/${me.id}`, { status: 'suspended' }));

    // Portal: the signed-in session is a 401 page, and so are its CSV and the link form (nothing written).
    // (Signing out while suspended does revoke: suspended-sign-out.test.ts.)
    const dashboard = await h.app.request('/portal', { headers: { cookie } });
    expect(dashboard.status).toBe(401);
    expect(await dashboard.text()).toContain('<h1>Please sign in</h1>');
    expect((await h.app.request('/portal/report.csv', { headers: { cookie } })).status).toBe(401);
    expect((await postForm('/portal/links', { url: 'https://acme.test/x' })).status).toBe(401);
    // API: the token is 401; an admin cannot mint a new one (422 partner_suspended).
    expect((await h.as(token)('GET', '/v1/me')).status).toBe(401);
    const minted = await h.admin('POST', `/v1/partners/${me.id}/tokens`, {});
    expectApiError(minted, 422, 'validation_failed', 'partnerId');
    expect(minted.body.error.reason).toBe('partner_suspended');
    // Links still answer, but to the program's defaultUrl, with no click id (no click, no referral).
    const visit = await clickOn(me.code);
    expect([visit.status, visit.headers.get('location')]).toEqual([302, program.defaultUrl]);
    // A referral by code is rejected.
    const lead = await ok(h.admin('POST', '/v1/track/lead', { code: me.code, customer: { externalId: 'cus_1' } }));
    expect(lead.event).toMatchObject({ status: 'rejected', reason: 'partner_suspended' });

    // Reactivated: the session and token that were not revoked work again; links count again.
    await ok(h.admin('PATCH', `/v1/partners/${me.id}`, { status: 'active' }));
    expect((await h.app.request('/portal', { headers: { cookie } })).status).toBe(200);
    expect((await h.as(token)('GET', '/v1/me')).status).toBe(200);
    expect((await ok(h.as(token)('GET', '/v1/me/links'))).data.map((l: { url: string }) => l.url)).not.toContain('https://acme.test/x');
    expect(new URL((await clickOn(me.code)).headers.get('location')!).searchParams.get('rcid')).toMatch(/^clk_/);
  });
});
