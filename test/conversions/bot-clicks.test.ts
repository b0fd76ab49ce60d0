import { describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app';
import { clickIdOf, visit } from '../foundation/support';
import { addPartner, addReward, clickOn, commissions, events, lead, leadByCode, sale, setup } from './support';

const SLACKBOT = 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)';

/** A link preview's visit to the short link: the redirect still hands out a click id, flagged bot. */
async function botClickOn(t: TestApp, code: string, ua = SLACKBOT): Promise<string> {
  const res = await visit(t, `/${code}`, { 'user-agent': ua });
  expect(res.status).toBe(302);
  return clickIdOf(res)!;
}

describe('a bot click never attributes', () => {
  it('a lead with only a bot click id is unattributed bot_click, earns nothing and leaves the customer without a partner', async () => {
    const { t, program, partner } = await setup();
    await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 500 });
    const clickId = await botClickOn(t, partner.code);
    const r = await lead(t, { clickId, customer: { externalId: 'c1' } });
    expect(r.event).toMatchObject({ status: 'unattributed', reason: 'bot_click', partnerId: null, linkId: null, clickId: null });
    expect(r.customer).toEqual({ id: expect.stringMatching(/^cus_/), externalId: 'c1', partnerId: null });
    expect(r.commissions).toEqual([]);
    expect(await commissions(t, program.id)).toEqual([]);
    // A missing user agent is a bot too.
    const noUa = await botClickOn(t, partner.code, '');
    const r2 = await lead(t, { clickId: noUa, customer: { externalId: 'c2' } });
    expect(r2.event).toMatchObject({ status: 'unattributed', reason: 'bot_click', partnerId: null });
    // The customer's later sale has no partner either.
    const s = await sale(t, program.id, 'c1', 5000);
    expect(s.event).toMatchObject({ status: 'unattributed', reason: 'no_referral', partnerId: null });
  });

  it('a bot click id sent with a referral code: the code attributes', async () => {
    const { t, program, partner } = await setup();
    const other = await addPartner(t, program.id, 'Sam Roe', 'sam@partner.test');
    await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 500 });
    const clickId = await botClickOn(t, partner.code);
    const r = await lead(t, { clickId, code: other.code, customer: { externalId: 'c1' } });
    expect(r.event).toMatchObject({ status: 'attributed', reason: null, partnerId: other.id, linkId: other.defaultLink.id, clickId: null });
    expect(r.commissions.map((c: any) => [c.partnerId, c.amount])).toEqual([[other.id, 500]]);
    // An unknown code with the bot click leaves the click's reason.
    const r2 = await lead(t, { clickId, code: 'nobody-here', customer: { externalId: 'c2' } });
    expect(r2.event).toMatchObject({ status: 'unattributed', reason: 'bot_click', partnerId: null });
    expect((await commissions(t, program.id)).map((c: any) => c.amount)).toEqual([500]);
  });

  it("a bot click of another partner does not move a customer (last_click); the lead is the customer's partner's", async () => {
    const { t, program, partner } = await setup();
    const other = await addPartner(t, program.id, 'Sam Roe', 'sam@partner.test');
    await leadByCode(t, partner.code, 'c1');
    t.advance(60_000);
    const clickId = await botClickOn(t, other.code);
    t.advance(60_000);
    const r = await lead(t, { clickId, customer: { externalId: 'c1' }, eventName: 'trial_started' });
    expect(r.event).toMatchObject({ status: 'attributed', reason: null, partnerId: partner.id, linkId: partner.defaultLink.id, clickId: null });
    expect(r.customer.partnerId).toBe(partner.id);
    const c = await t.json('GET', `/v1/programs/${program.id}/customers/${r.customer.id}`);
    expect(c.body).toMatchObject({ partnerId: partner.id, clickId: null });
    expect(c.body.attribution.touches.map((x: any) => x.partnerId)).toEqual([partner.id]);
  });

  it("a person's click still attributes, with its link and click", async () => {
    const { t, program, partner } = await setup();
    await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 500 });
    const clickId = await clickOn(t, partner.code);
    const r = await lead(t, { clickId, customer: { externalId: 'c1' } });
    expect(r.event).toMatchObject({ status: 'attributed', reason: null, partnerId: partner.id, linkId: partner.defaultLink.id, clickId });
    expect(r.commissions.map((c: any) => c.amount)).toEqual([500]);
  });
});

describe('click reuse', () => {
  // A click id is a visit, not a person: one browser (a family computer, a shared office machine)
  // can open a partner's link once and sign up several accounts. Each is referred by that visit.
  it('one click id on leads of three customers attributes all three to the click, each earning the lead reward', async () => {
    const { t, program, partner } = await setup();
    await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 500 });
    const clickId = await clickOn(t, partner.code);
    for (const id of ['c1', 'c2', 'c3']) {
      const r = await lead(t, { clickId, customer: { externalId: id } });
      expect(r.event).toMatchObject({ status: 'attributed', partnerId: partner.id, clickId });
      expect(r.customer.partnerId).toBe(partner.id);
    }
    // The same customer again is a replay, not a fourth lead.
    await lead(t, { clickId, customer: { externalId: 'c1' } });
    expect((await commissions(t, program.id)).map((c: any) => [c.partnerId, c.amount])).toEqual([
      [partner.id, 500],
      [partner.id, 500],
      [partner.id, 500],
    ]);
    expect((await events(t, program.id)).length).toBe(3);
  });
});
