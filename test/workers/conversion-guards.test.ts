import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { json, settled, SLACKBOT } from './helpers';
import { addReward, balance, clickThrough, commissions, countRows, DAY, program, sale } from './tracking';

/** A link preview's visit (Slackbot unfurling the link), waiting for the click write; its click id. */
async function botClickThrough(code: string): Promise<string> {
  const res = await settled('GET', `/${code}`, { 'user-agent': SLACKBOT, 'cf-connecting-ip': '203.0.113.9' });
  expect(res.status).toBe(302);
  const clickId = new URL(res.headers.get('location')!).searchParams.get('rcid')!;
  const row = await env.DB.prepare('select bot, bot_reason from clicks where id = ?').bind(clickId).first<{ bot: number; bot_reason: string }>();
  expect(row).toEqual({ bot: 1, bot_reason: 'link_preview' });
  return clickId;
}

async function lead(body: Record<string, unknown>) {
  const r = await json('POST', '/v1/track/lead', body);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

// Conversion guards on workerd with D1: bot clicks, refunds dated before their sale, currency case.
describe('conversion guards on workerd with D1', () => {
  it('a bot click never attributes: alone it is bot_click with no commission; with a code the code attributes; a person’s click still does', async () => {
    const { program: p, partner } = await program();
    const other = await json('POST', `/v1/programs/${p.id}/partners`, { name: 'Sam Roe', email: 'sam@partner.test' });
    expect(other.status).toBe(201);
    await addReward(p.id, { event: 'lead', type: 'fixed', amount: 500 });

    const botClick = await botClickThrough(partner.code);
    const alone = await lead({ clickId: botClick, customer: { externalId: 'b1' } });
    expect(alone.event).toMatchObject({ status: 'unattributed', reason: 'bot_click', partnerId: null, clickId: null });
    expect(alone.customer.partnerId).toBeNull();
    expect(alone.commissions).toEqual([]);

    const withCode = await lead({ clickId: botClick, code: other.body.code, customer: { externalId: 'b2' } });
    expect(withCode.event).toMatchObject({ status: 'attributed', partnerId: other.body.id, linkId: other.body.defaultLink.id, clickId: null });
    expect(withCode.commissions.map((c: any) => c.amount)).toEqual([500]);

    const human = await clickThrough(partner.code);
    const byClick = await lead({ clickId: human, customer: { externalId: 'h1' } });
    expect(byClick.event).toMatchObject({ status: 'attributed', partnerId: partner.id, clickId: human });

    expect((await commissions(p.id)).map((c: any) => [c.partnerId, c.amount]).sort()).toEqual([
      [other.body.id, 500],
      [partner.id, 500],
    ].sort());
    const stored = await env.DB.prepare('select customer_external_id as c, status, reason from events where program_id = ? order by customer_external_id').bind(p.id).all();
    expect(stored.results).toEqual([
      { c: 'b1', status: 'unattributed', reason: 'bot_click' },
      { c: 'b2', status: 'attributed', reason: null },
      { c: 'h1', status: 'attributed', reason: null },
    ]);
  });

  it('a refund dated before its sale is 422 occurred_before_sale and writes nothing; at the sale it refunds', async () => {
    const { program: p, partner } = await program({ holdDays: 0 });
    await addReward(p.id, { event: 'sale', type: 'percent', amount: 1000 });
    await lead({ code: partner.code, customer: { externalId: 'c1' }, occurredAt: new Date(Date.now() - 3 * DAY).toISOString() });
    const saleAt = new Date(Date.now() - DAY).toISOString();
    await sale(p.id, 'c1', 'ord_1', 8000, { occurredAt: saleAt, currency: 'usd' });
    const eventsBefore = await countRows('events', p.id);
    const commissionsBefore = await countRows('commissions', p.id);

    const early = await json('POST', '/v1/track/refund', { programId: p.id, saleExternalId: 'ord_1', externalId: 're_1', amount: 2000, occurredAt: new Date(Date.now() - 2 * DAY).toISOString() });
    expect(early.status).toBe(422);
    expect(early.body.error).toMatchObject({ code: 'validation_failed', field: 'occurredAt', reason: 'occurred_before_sale' });
    expect(await countRows('events', p.id)).toBe(eventsBefore);
    expect(await countRows('commissions', p.id)).toBe(commissionsBefore);
    const counter = await env.DB.prepare("select count(*) as n from reward_counters where key in (select 'refund|' || id from events where program_id = ?)").bind(p.id).first<{ n: number }>();
    expect(counter!.n).toBe(0);
    expect(await balance(partner.id)).toEqual({ pending: 0, approved: 800, paid: 0 });

    const ok = await json('POST', '/v1/track/refund', { programId: p.id, saleExternalId: 'ord_1', externalId: 're_1', amount: 2000, occurredAt: saleAt });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.commissions.map((c: any) => [c.kind, c.amount])).toEqual([['reversal', -200]]);
    expect(await balance(partner.id)).toEqual({ pending: 0, approved: 600, paid: 0 });
  });

  it('"usd" is USD and a replay in another case or without a currency is the same sale', async () => {
    const { program: p, partner } = await program({ holdDays: 0 });
    await addReward(p.id, { event: 'sale', type: 'fixed', amount: 300 });
    await lead({ code: partner.code, customer: { externalId: 'c1' } });
    const body = { programId: p.id, customerExternalId: 'c1', externalId: 'ord_1', amount: 1000 };
    const first = await json('POST', '/v1/track/sale', { ...body, currency: 'usd' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.event.currency).toBe('USD');
    for (const variant of [{ currency: 'USD' }, {}]) {
      const again = await json('POST', '/v1/track/sale', { ...body, ...variant });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
    }
    expect(await countRows('commissions', p.id)).toBe(1);
  });
});
