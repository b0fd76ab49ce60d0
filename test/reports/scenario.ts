import { CHROME_MAC, FIREFOX_WIN, IPHONE_SAFARI } from '../foundation/support';
import type { TestApp } from '../helpers/app';
import { clickOn, post, proxiedApp, SLACKBOT } from './support';

export const D1 = new Date('2026-03-01T12:00:00.000Z'); // a Sunday: its ISO week starts 2026-02-23
export const D2 = new Date('2026-03-02T12:00:00.000Z');
export const D3 = new Date('2026-03-03T12:00:00.000Z');
export const B_NAME = '=HYPERLINK("x"), Bob';

/**
 * Three days of a program (EUR, no hold) with partners A (Jane Doe, link a-spring/campaign spring)
 * and B (B_NAME, link b-fall/campaign fall, plus its default link). Rewards: lead 1.00 EUR + 5
 * points, sale 10 %. Day 2 ends with every approved entry paid out; day 3 refunds 30.00 of A's sale.
 */
export async function runScenario() {
  const t: TestApp = await proxiedApp(D1);
  const program = await post(t, '/v1/programs', {
    name: 'Acme', currency: 'EUR', defaultUrl: 'https://acme.test/', allowedHosts: ['acme.test'], holdDays: 0,
  }, 201);
  const a = await post(t, `/v1/programs/${program.id}/partners`, { name: 'Jane Doe', email: 'jane@p.test' }, 201);
  const b = await post(t, `/v1/programs/${program.id}/partners`, { name: B_NAME, email: 'bob@p.test' }, 201);
  const aSpring = await post(t, `/v1/partners/${a.id}/links`, { code: 'a-spring', campaign: 'spring' }, 201);
  const bFall = await post(t, `/v1/partners/${b.id}/links`, { code: 'b-fall', campaign: 'fall' }, 201);
  const reward = (rule: Record<string, unknown>) => post(t, `/v1/programs/${program.id}/rewards`, rule, 201);
  await reward({ event: 'lead', type: 'fixed', amount: 100 });
  await reward({ event: 'lead', type: 'fixed', amount: 5, unit: 'points' });
  await reward({ event: 'sale', type: 'percent', amount: 1000 });
  const lead = (body: Record<string, unknown>, externalId: string) => post(t, '/v1/track/lead', { ...body, customer: { externalId } });
  const sale = (customerExternalId: string, externalId: string, amount: number) =>
    post(t, '/v1/track/sale', { programId: program.id, customerExternalId, externalId, amount, currency: 'EUR' });

  // Day 1: A gets a click, its repeat, a mobile click and a bot; B one click. Three leads.
  const c1 = await clickOn(t, 'a-spring', { ip: '198.51.100.1', ua: CHROME_MAC, country: 'DE', referer: 'https://news.example.com/x' });
  await clickOn(t, 'a-spring', { ip: '198.51.100.1', ua: CHROME_MAC, country: 'DE', referer: 'https://news.example.com/x' });
  await clickOn(t, 'a-spring', { ip: '198.51.100.2', ua: IPHONE_SAFARI, country: 'US' });
  await clickOn(t, 'a-spring', { ip: '198.51.100.9', ua: SLACKBOT, country: 'DE' });
  const c4 = await clickOn(t, 'b-fall', { ip: '198.51.100.3', ua: FIREFOX_WIN, country: 'FR', referer: 'https://t.co/abc' });
  await t.clickSink.flush();
  await lead({ clickId: c1 }, 'cA1');
  await lead({ code: 'a-spring' }, 'cA2');
  await lead({ clickId: c4 }, 'cB1');

  // Day 2: B's default link gets a click and a lead; sales of A (100.00) and B (50.00); a walk-in
  // sale nobody referred; then every approved entry is paid out.
  t.setNow(D2);
  const c5 = await clickOn(t, b.code, { ip: '198.51.100.4', ua: CHROME_MAC, country: 'DE' });
  await t.clickSink.flush();
  await lead({ clickId: c5 }, 'cB2');
  await sale('cA1', 'ordA1', 10000);
  await sale('cB1', 'ordB1', 5000);
  await sale('walk-in', 'ord0', 9999);
  for (const p of (await post(t, `/v1/programs/${program.id}/payouts`, {}, 201)).data) {
    await post(t, `/v1/payouts/${p.id}/mark-paid`, { reference: `tr-${p.id}` });
  }

  // Day 3: A's sale is refunded 30.00 (adjustment -3.00 after payout); B sells 25.00; A's first
  // visitor comes back (unique again: the dedup window is one hour).
  t.setNow(D3);
  await post(t, '/v1/track/refund', { programId: program.id, saleExternalId: 'ordA1', externalId: 'rf1', amount: 3000 });
  await sale('cB2', 'ordB2', 2500);
  await clickOn(t, 'a-spring', { ip: '198.51.100.1', ua: CHROME_MAC, country: 'DE' });
  await t.clickSink.flush();
  return { t, program, a, b, aSpring, bFall };
}
