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

/** One unit's amounts on the balance cards: [pending, approved, paid] as shown. */
const cards = (html: string, unit: string) =>
  [...html.matchAll(new RegExp(`<dd data-unit="${unit}" data-balance="(\\w+)">([^<]*)</dd>`, 'g'))].map((m) => `${m[1]} ${m[2]}`);
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
    // one card per status, one amount per unit in it, and labels without unit codes
    expect(html).toContain(
      '<dl class="card" data-status="approved"><dt>Approved</dt><dd data-unit="EUR" data-balance="approved">€123,465.79</dd>' +
        '<dd data-unit="MB" data-balance="approved">500 MB</dd><dd class="muted">Earned and approved, not yet paid</dd></dl>',
    );
    expect(html).not.toMatch(/\((EUR|MB)\)/);
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

describe('admins read explanations as money too: explanationFormatted beside the stored explanation', () => {
  // USD program: r1 $5.00 a sale, capped at $8.00 a year; r2 10% of the sale; r3 2,000 points for plan "pro".
  let adm: Seeded;
  let rules: { capped: string; percent: string; points: string };
  const track = (externalId: string, amount: number, plan: string) =>
    h.admin('POST', '/v1/track/sale', { programId: adm.programId, customerExternalId: 'cust_ADM', externalId, amount, currency: 'USD', metadata: { plan } });
  /** By rule: [amount, explanation, explanationFormatted] of a commission, [reason, explanation, explanationFormatted] of a skip. */
  const byRule = (body: any) => {
    const out: Record<string, unknown[]> = {};
    for (const c of body.commissions) out[c.rewardId] = [c.amount, c.explanation, c.explanationFormatted];
    for (const s of body.skipped) out[s.rewardId] = [s.reason, s.explanation, s.explanationFormatted];
    return out;
  };
  let first: any;
  beforeAll(async () => {
    adm = await seed('USD', 'ADM', []);
    const rule = async (body: Record<string, unknown>) => (await ok(h.admin('POST', `/v1/programs/${adm.programId}/rewards`, body), 201)).id as string;
    rules = {
      capped: await rule({ event: 'sale', type: 'fixed', amount: 500, caps: { perPartner: { amount: 800, period: 'year' } } }),
      percent: await rule({ event: 'sale', type: 'percent', amount: 1000 }),
      points: await rule({ event: 'sale', type: 'fixed', amount: 2000, unit: 'points', conditions: [{ field: 'metadata.plan', op: 'eq', value: 'pro' }] }),
    };
    first = await ok(track('inv_a1', 12000, 'basic'));
  });

  it('POST /v1/track/sale: commissions and skipped rules, in USD and points; caps, zero amounts, conditions', async () => {
    expect(byRule(first)).toEqual({
      [rules.capped]: [500, 'fixed 500; yearly cap 800, 800 left → 500', 'fixed $5.00; yearly cap $8.00, $8.00 left → $5.00'],
      [rules.percent]: [1200, '10% of 12000 = 1200', '10% of $120.00 = $12.00'],
      [rules.points]: ['conditions_not_met', 'condition metadata.plan eq "pro" not met (got "basic")', 'condition metadata.plan eq "pro" not met (got "basic")'],
    });
    expect(byRule(await ok(track('inv_a2', 4, 'pro')))).toEqual({
      [rules.capped]: [300, 'fixed 500; yearly cap 800, 300 left → 300', 'fixed $5.00; yearly cap $8.00, $3.00 left → $3.00'],
      [rules.percent]: ['zero_amount', '10% of 4 = 0; nothing to earn', '10% of $0.04 = $0.00; nothing to earn'],
      [rules.points]: [2000, 'fixed 2000', 'fixed 2,000 points'],
    });
    const third = await ok(track('inv_a3', 100, 'basic'));
    expect(byRule(third)).toEqual({
      [rules.capped]: ['cap_reached', 'fixed 500; yearly cap 800 reached', 'fixed $5.00; yearly cap $8.00 reached'],
      [rules.percent]: [10, '10% of 100 = 10', '10% of $1.00 = $0.10'],
      [rules.points]: ['conditions_not_met', 'condition metadata.plan eq "pro" not met (got "basic")', 'condition metadata.plan eq "pro" not met (got "basic")'],
    });
    // a replay answers exactly the first answer, formatted text included
    expect(await ok(track('inv_a3', 100, 'basic'))).toEqual(third);
  });

  it('POST /v1/track/refund: the reversals’ explanations as money; the ledger keeps the stored text', async () => {
    const refund = await ok(h.admin('POST', '/v1/track/refund', { programId: adm.programId, saleExternalId: 'inv_a1', externalId: 're_a1', amount: 3000 }));
    expect(refund.commissions.map((c: any) => [c.amount, c.explanation, c.explanationFormatted]).sort((a: any, b: any) => a[0] - b[0])).toEqual([
      [-300, 'refund 3000 of sale 12000 (refunded 3000 in all): reversal 300 of 1200', 'refund $30.00 of sale $120.00 (refunded $30.00 in all): reversal $3.00 of $12.00'],
      [-125, 'refund 3000 of sale 12000 (refunded 3000 in all): reversal 125 of 500', 'refund $30.00 of sale $120.00 (refunded $30.00 in all): reversal $1.25 of $5.00'],
    ]);
    const ledger = (await ok(h.admin('GET', `/v1/programs/${adm.programId}/commissions?limit=200`))).data as any[];
    const reversal = ledger.find((c) => c.amount === -125);
    expect([reversal.explanation, reversal.explanationFormatted]).toEqual([
      'refund 3000 of sale 12000 (refunded 3000 in all): reversal 125 of 500',
      'refund $30.00 of sale $120.00 (refunded $30.00 in all): reversal $1.25 of $5.00',
    ]);
    const points = ledger.find((c) => c.unit === 'points');
    expect([points.explanation, points.explanationFormatted]).toEqual(['fixed 2000', 'fixed 2,000 points']);
  });

  it('statements: the admin’s explanation is the stored text, the partner’s money; explanationFormatted is money for both', async () => {
    const built = (await ok(h.admin('POST', `/v1/programs/${adm.programId}/payouts`, { minAmount: 1 }), 201)).data as any[];
    const usd = built.find((p) => p.unit === 'USD');
    const admin = await ok(h.admin('GET', `/v1/payouts/${usd.id}?limit=200`));
    const partner = await ok(adm.as('GET', `/v1/me/payouts/${usd.id}?limit=200`));
    const percentLine = (s: any) => s.entries.filter((e: any) => e.amount === 1200).map((e: any) => [e.explanation, e.explanationFormatted]);
    expect(percentLine(admin)).toEqual([['10% of 12000 = 1200', '10% of $120.00 = $12.00']]);
    expect(percentLine(partner)).toEqual([['10% of $120.00 = $12.00', '10% of $120.00 = $12.00']]);
    expect(admin.entries.map((e: any) => e.explanationFormatted)).toEqual(partner.entries.map((e: any) => e.explanation));
    const mine = (await ok(adm.as('GET', '/v1/me/commissions?limit=200'))).data as any[];
    expect(mine.length).toBe(7);
    expect(mine.every((c) => c.explanationFormatted === c.explanation)).toBe(true);
  });
});
