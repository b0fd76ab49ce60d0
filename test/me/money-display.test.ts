import { beforeAll, describe, expect, it } from 'vitest';
import { portalSignIn } from '../helpers/portal-sign-in';
import { createPartner, createProgram, issueToken, makePartnerApp, ok, type Call, type PartnerApp } from './helpers';

// How money reads: the portal shows every amount as the explanations do (`€12.00`, `¥1,200`,
// `KWD 1.235`, `500 MB`); the API's `amountFormatted` is the exact amount in major units (`12.00`),
// as payouts' always was; admins get `explanationFormatted` beside the stored `explanation`.

interface Seeded {
  programId: string;
  partnerId: string;
  token: string;
  as: Call;
  cookie: string;
}

let h: PartnerApp;

/** A program (hold 0) in `currency`, one partner with code `code` and one referred customer. */
async function seed(currency: string, code: string, rules: Record<string, unknown>[]): Promise<Seeded> {
  const program = await createProgram(h, { currency, holdDays: 0 });
  const partner = await createPartner(h, program.id, `Partner ${code}`, `${code.toLowerCase()}@partner.test`, code);
  for (const rule of rules) await ok(h.admin('POST', `/v1/programs/${program.id}/rewards`, rule), 201);
  await ok(h.admin('POST', '/v1/track/lead', { code, customer: { externalId: `cust_${code}` } }));
  const token = await issueToken(h, partner.id);
  const cookie = await portalSignIn((path, init) => h.app.request(path, init), token);
  return { programId: program.id, partnerId: partner.id, token, as: h.as(token), cookie };
}

const sale = (s: Seeded, code: string, externalId: string, amount: number, currency: string, metadata: Record<string, unknown> = {}) =>
  ok(h.admin('POST', '/v1/track/sale', { programId: s.programId, customerExternalId: `cust_${code}`, externalId, amount, currency, metadata }));

const portal = async (s: Seeded, path = '/portal') => {
  const res = await h.app.request(path, { headers: { cookie: s.cookie } });
  expect(res.status, path).toBe(200);
  return res.text();
};

/** The balance cards of one unit: [pending, approved, paid] as shown. */
const cards = (html: string, unit: string) => {
  const block = new RegExp(`<div class="cards" data-unit="${unit}">(.*?)</div></div>`).exec(html)?.[1] ?? '';
  return [...block.matchAll(/<b data-balance="(\w+)">([^<]*)<\/b>/g)].map((m) => `${m[1]} ${m[2]}`);
};
const commissionAmounts = (html: string) => [...html.matchAll(/<tr data-commission="com_\w+"><td>[\d-]+<\/td><td class="num">([^<]*)<\/td>/g)].map((m) => m[1]);
const payoutAmounts = (html: string) => [...html.matchAll(/<tr data-payout="pay_\w+"><td><a [^>]*>[\d-]+<\/a><\/td><td class="num">([^<]*)<\/td>/g)].map((m) => m[1]);

let eur: Seeded; // EUR sales, a 500 MB lead reward; a refund; payouts built
let jpy: Seeded;
let kwd: Seeded;
let pts: Seeded; // USD program with a points reward
let eurPayouts: { id: string; unit: string; amount: number }[];
beforeAll(async () => {
  h = await makePartnerApp();
  eur = await seed('EUR', 'EURO', [
    { event: 'sale', type: 'percent', amount: 1000 },
    { event: 'lead', type: 'fixed', amount: 500, unit: 'MB' },
  ]);
  await sale(eur, 'EURO', 'inv_e1', 12000, 'EUR');
  await ok(h.admin('POST', '/v1/track/refund', { programId: eur.programId, saleExternalId: 'inv_e1', externalId: 're_e1', amount: 3000 }));
  eurPayouts = (await ok(h.admin('POST', `/v1/programs/${eur.programId}/payouts`, { minAmount: 1 }), 201)).data;
  // a later sale (hold 0: approved at once) is in no payout yet; it shows thousands separators
  await sale(eur, 'EURO', 'inv_e2', 123456789, 'EUR');
  jpy = await seed('JPY', 'YEN', [{ event: 'sale', type: 'percent', amount: 1000 }]);
  await sale(jpy, 'YEN', 'inv_y1', 12000, 'JPY');
  kwd = await seed('KWD', 'DINAR', [{ event: 'sale', type: 'percent', amount: 1000 }]);
  await sale(kwd, 'DINAR', 'inv_k1', 12345, 'KWD');
  pts = await seed('USD', 'PTS', [{ event: 'lead', type: 'fixed', amount: 1500, unit: 'points' }]);
});

describe('the portal shows every amount as money, one style for all units', () => {
  it('dashboard: balance cards, commission and payout amounts in EUR and MB', async () => {
    const html = await portal(eur);
    expect(cards(html, 'EUR')).toEqual(['pending €0.00', 'approved €123,465.79', 'paid €0.00']);
    expect(cards(html, 'MB')).toEqual(['pending 0 MB', 'approved 500 MB', 'paid 0 MB']);
    expect(commissionAmounts(html)).toEqual(['€123,456.79', '-€3.00', '€12.00', '500 MB']);
    expect(eurPayouts.map((p) => [p.unit, p.amount]).sort()).toEqual([['EUR', 900], ['MB', 500]]);
    expect(payoutAmounts(html).sort()).toEqual(['500 MB', '€9.00']);
    expect(html).not.toMatch(/\d EUR\b/);
  });

  it('dashboard: JPY (no decimals), KWD (three), points (a non-cash unit, whole numbers)', async () => {
    const yen = await portal(jpy);
    expect(cards(yen, 'JPY')).toEqual(['pending ¥0', 'approved ¥1,200', 'paid ¥0']);
    expect(commissionAmounts(yen)).toEqual(['¥1,200']);
    const dinar = await portal(kwd);
    expect(cards(dinar, 'KWD')).toEqual(['pending KWD 0.000', 'approved KWD 1.235', 'paid KWD 0.000']);
    expect(commissionAmounts(dinar)).toEqual(['KWD 1.235']);
    const points = await portal(pts);
    expect(cards(points, 'points')).toEqual(['pending 0 points', 'approved 1,500 points', 'paid 0 points']);
    expect(commissionAmounts(points)).toEqual(['1,500 points']);
  });

  it('statement page: title, heading, entry amounts and total', async () => {
    const payout = eurPayouts.find((p) => p.unit === 'EUR')!;
    const html = await portal(eur, `/portal/payouts/${payout.id}`);
    expect(html).toContain('<title>Payout of €9.00 — partner portal</title>');
    expect(html).toContain('<h1>Payout of €9.00</h1>');
    expect([...html.matchAll(/<tr data-entry="com_\w+"><td>[\d-]+<\/td><td>\w+<\/td><td class="num">([^<]*)<\/td>/g)].map((m) => m[1])).toEqual(['-€3.00', '€12.00']);
    expect(html).toContain('<td class="num" data-total="true">€9.00</td>');
    const mb = eurPayouts.find((p) => p.unit === 'MB')!;
    const mbHtml = await portal(eur, `/portal/payouts/${mb.id}`);
    expect(mbHtml).toContain('<h1>Payout of 500 MB</h1>');
    expect(mbHtml).toContain('<td class="num" data-total="true">500 MB</td>');
  });
});

describe('amountFormatted on every ledger entry: the exact amount in major units, as payouts have it', () => {
  const formatted = (rows: any[]) => rows.map((c) => [c.amount, c.unit, c.amountFormatted]);

  it('GET /v1/me/commissions: EUR, MB, JPY, KWD, points', async () => {
    expect(formatted((await ok(eur.as('GET', '/v1/me/commissions'))).data)).toEqual([
      [12345679, 'EUR', '123456.79'],
      [-300, 'EUR', '-3.00'],
      [1200, 'EUR', '12.00'],
      [500, 'MB', '500'],
    ]);
    expect(formatted((await ok(jpy.as('GET', '/v1/me/commissions'))).data)).toEqual([[1200, 'JPY', '1200']]);
    expect(formatted((await ok(kwd.as('GET', '/v1/me/commissions'))).data)).toEqual([[1235, 'KWD', '1.235']]);
    expect(formatted((await ok(pts.as('GET', '/v1/me/commissions'))).data)).toEqual([[1500, 'points', '1500']]);
  });

  it('statement entries, partner and admin alike; the payout’s own amountFormatted is unchanged', async () => {
    const payout = eurPayouts.find((p) => p.unit === 'EUR')!;
    for (const statement of [await ok(eur.as('GET', `/v1/me/payouts/${payout.id}`)), await ok(h.admin('GET', `/v1/payouts/${payout.id}`))]) {
      expect(statement.amountFormatted).toBe('9.00');
      expect(formatted(statement.entries)).toEqual([
        [-300, 'EUR', '-3.00'],
        [1200, 'EUR', '12.00'],
      ]);
    }
    const mb = eurPayouts.find((p) => p.unit === 'MB')!;
    const mbStatement = await ok(eur.as('GET', `/v1/me/payouts/${mb.id}`));
    expect([mbStatement.amountFormatted, ...mbStatement.entries.map((e: any) => e.amountFormatted)]).toEqual(['500', '500']);
  });

  it('the admin ledger list too; the fields it had are unchanged', async () => {
    const rows = (await ok(h.admin('GET', `/v1/programs/${eur.programId}/commissions`))).data as any[];
    expect(formatted(rows)).toEqual([
      [12345679, 'EUR', '123456.79'],
      [-300, 'EUR', '-3.00'],
      [1200, 'EUR', '12.00'],
      [500, 'MB', '500'],
    ]);
    expect(Object.keys(rows[0])).toEqual(expect.arrayContaining(['id', 'kind', 'recipient', 'partnerId', 'customerId', 'rewardId', 'eventId', 'reversesId', 'amount', 'unit', 'status', 'holdUntil', 'explanation', 'payoutId', 'createdAt']));
    expect(rows[1]).toMatchObject({ kind: 'reversal', amount: -300, unit: 'EUR', explanation: 'refund 3000 of sale 12000 (refunded 3000 in all): reversal 300 of 1200' });
  });
});
