import { beforeAll, describe, expect, it } from 'vitest';
import { portalSignIn } from '../helpers/portal-sign-in';
import { createPartner, createProgram, issueToken, makePartnerApp, ok, type Call, type PartnerApp } from './helpers';

// What a partner reads about a commission: money as money in the program's currency (digits per
// currency), never bare minor units, and nothing about the referred customer but internal ids.

const VICTIM = { externalId: 'cust_1', email: 'victim@example.com', name: 'Victim Person' };
const METADATA = { email: 'victim@example.com', name: 'Victim Person', plan: 'pro' };

interface Seeded {
  programId: string;
  partnerId: string;
  token: string;
  as: Call;
  cookie: string;
}

/** A program (hold 0) paying 10% of each sale, a partner with one referred customer and one sale. */
async function seed(h: PartnerApp, currency: string, code: string, saleAmount: number, extra: Record<string, unknown>[] = []): Promise<Seeded> {
  const program = await createProgram(h, { currency, holdDays: 0 });
  const partner = await createPartner(h, program.id, `Partner ${code}`, `${code.toLowerCase()}@partner.test`, code);
  await ok(h.admin('POST', `/v1/programs/${program.id}/rewards`, { event: 'sale', type: 'percent', amount: 1000 }), 201);
  for (const rule of extra) await ok(h.admin('POST', `/v1/programs/${program.id}/rewards`, rule), 201);
  await ok(h.admin('POST', '/v1/track/lead', { code, customer: VICTIM, metadata: METADATA }));
  await ok(h.admin('POST', '/v1/track/sale', { programId: program.id, customerExternalId: VICTIM.externalId, externalId: `inv_${code}`, amount: saleAmount, currency, metadata: METADATA }));
  const token = await issueToken(h, partner.id);
  const cookie = await portalSignIn((path, init) => h.app.request(path, init), token);
  return { programId: program.id, partnerId: partner.id, token, as: h.as(token), cookie };
}

/** The body of a portal or API answer as text. */
const textOf = async (path: string, init: RequestInit) => (await h.app.request(path, init)).text();

const explanations = async (s: Seeded) => ((await ok(s.as('GET', '/v1/me/commissions'))).data as any[]).map((c) => [c.kind, c.amount, c.unit, c.explanation]);

let h: PartnerApp;
let eur: Seeded;
let jpy: Seeded;
let kwd: Seeded;
let conditional: Seeded;
let eurPayouts: { id: string; unit: string }[];
beforeAll(async () => {
  h = await makePartnerApp();
  // EUR also pays 500 MB per lead (a non-cash unit, capped) and has a partial refund after the payout build
  eur = await seed(h, 'EUR', 'EURO', 12000, [{ event: 'lead', type: 'fixed', amount: 500, unit: 'MB', caps: { perPartner: { amount: 16000, period: 'lifetime' } } }]);
  await ok(h.admin('POST', '/v1/track/refund', { programId: eur.programId, saleExternalId: 'inv_EURO', externalId: 're_1', amount: 3000 }));
  eurPayouts = (await ok(h.admin('POST', `/v1/programs/${eur.programId}/payouts`, { minAmount: 1 }), 201)).data;
  jpy = await seed(h, 'JPY', 'YEN', 12000);
  kwd = await seed(h, 'KWD', 'DINAR', 12345);
  // rules that read the metadata: one matches (earns), one does not (its skip explanation quotes the
  // value, for the admin's tracking answer only)
  conditional = await seed(h, 'EUR', 'COND', 5000, [
    { event: 'sale', type: 'fixed', amount: 700, conditions: [{ field: 'metadata.email', op: 'eq', value: 'victim@example.com' }] },
    { event: 'sale', type: 'fixed', amount: 900, conditions: [{ field: 'metadata.name', op: 'eq', value: 'Someone Else' }] },
  ]);
});

describe('partner-facing explanations show money in the program currency', () => {
  it('GET /v1/me/commissions: EUR (2 decimals), a non-cash unit, a refund; JPY (0 decimals); KWD (3 decimals)', async () => {
    expect(await explanations(eur)).toEqual([
      ['reversal', -300, 'EUR', 'refund €30.00 of sale €120.00 (refunded €30.00 in all): reversal €3.00 of €12.00'],
      ['commission', 1200, 'EUR', '10% of €120.00 = €12.00'],
      ['commission', 500, 'MB', 'fixed 500 MB; lifetime cap 16,000 MB, 16,000 MB left → 500 MB'],
    ]);
    expect(await explanations(jpy)).toEqual([['commission', 1200, 'JPY', '10% of ¥12,000 = ¥1,200']]);
    expect(await explanations(kwd)).toEqual([['commission', 1235, 'KWD', '10% of KWD 12.345 = KWD 1.235']]);
  });

  it('the admin ledger keeps the engine’s stored text in minor units (the ledger is never rewritten)', async () => {
    const rows = (await ok(h.admin('GET', `/v1/programs/${eur.programId}/commissions`))).data as any[];
    expect(rows.map((c) => c.explanation)).toEqual([
      'refund 3000 of sale 12000 (refunded 3000 in all): reversal 300 of 1200',
      '10% of 12000 = 1200',
      'fixed 500; lifetime cap 16000, 16000 left → 500',
    ]);
  });

  it('GET /v1/me/payouts/:id (JSON and CSV) and the portal statement page', async () => {
    const payout = eurPayouts.find((p) => p.unit === 'EUR')!;
    const json = await ok(eur.as('GET', `/v1/me/payouts/${payout.id}`));
    expect(json.entries.map((e: any) => e.explanation)).toEqual([
      'refund €30.00 of sale €120.00 (refunded €30.00 in all): reversal €3.00 of €12.00',
      '10% of €120.00 = €12.00',
    ]);
    const csv = await h.app.request(`/v1/me/payouts/${payout.id}?format=csv`, { headers: { authorization: `Bearer ${eur.token}` } });
    expect(csv.status).toBe(200);
    const csvText = await csv.text();
    const lines = csvText.split('\r\n');
    expect(lines.map((l) => l.split(',').slice(6, 8).concat(l.split(',').at(-1)!))).toEqual([
      ['amount', 'unit', 'explanation'],
      ['-3.00', 'EUR', 'refund €30.00 of sale €120.00 (refunded €30.00 in all): reversal €3.00 of €12.00'],
      ['12.00', 'EUR', '10% of €120.00 = €12.00'],
      [''],
    ]);
    const portalCsv = await textOf(`/portal/payouts/${payout.id}/statement.csv`, { headers: { cookie: eur.cookie } });
    expect(portalCsv).toBe(csvText);

    const page = await textOf(`/portal/payouts/${payout.id}`, { headers: { cookie: eur.cookie } });
    expect(page).toContain('<td>10% of €120.00 = €12.00</td>');
    expect(page).toContain('<td>refund €30.00 of sale €120.00 (refunded €30.00 in all): reversal €3.00 of €12.00</td>');
  });

  it('the portal dashboard', async () => {
    const euroPage = await textOf('/portal', { headers: { cookie: eur.cookie } });
    expect(euroPage).toContain('<td>10% of €120.00 = €12.00</td>');
    expect(euroPage).toContain('<td>fixed 500 MB; lifetime cap 16,000 MB, 16,000 MB left → 500 MB</td>');
    const yenPage = await textOf('/portal', { headers: { cookie: jpy.cookie } });
    expect(yenPage).toContain('<td>10% of ¥12,000 = ¥1,200</td>');
    const dinarPage = await textOf('/portal', { headers: { cookie: kwd.cookie } });
    expect(dinarPage).toContain('<td>10% of KWD 12.345 = KWD 1.235</td>');
  });
});

describe('nothing personal about the referred customer reaches the partner', () => {
  it('the customer’s email, name, external id and the conversion metadata appear in no partner-facing answer', async () => {
    const payout = eurPayouts.find((p) => p.unit === 'EUR')!;
    const api = ['/v1/me', '/v1/me/links', '/v1/me/commissions', '/v1/me/payouts', `/v1/me/payouts/${payout.id}`, `/v1/me/payouts/${payout.id}?format=csv`, '/v1/me/balance'];
    const reports = ['day', 'partner', 'link', 'campaign', 'country', 'device', 'browser', 'os', 'referrer'].flatMap((g) => [`/v1/me/report?from=2026-02-01&to=2026-03-31&groupBy=${g}`, `/v1/me/report?from=2026-02-01&to=2026-03-31&groupBy=${g}&format=csv`]);
    const bodies: [string, string][] = [];
    for (const who of [eur, conditional]) {
      for (const path of [...api, ...reports]) {
        if (who === conditional && path.includes(payout.id)) continue;
        const res = await h.app.request(path, { headers: { authorization: `Bearer ${who.token}` } });
        expect(res.status, path).toBe(200);
        bodies.push([path, await res.text()]);
      }
      for (const path of ['/portal', '/portal?days=90', '/portal/report.csv', ...(who === eur ? [`/portal/payouts/${payout.id}`, `/portal/payouts/${payout.id}/statement.csv`] : [])]) {
        const res = await h.app.request(path, { headers: { cookie: who.cookie } });
        expect(res.status, path).toBe(200);
        bodies.push([path, await res.text()]);
      }
    }
    // the matching rule earned, the other did not; neither explanation names the metadata
    expect((await explanations(conditional)).sort((a, b) => b[1] - a[1])).toEqual([
      ['commission', 700, 'EUR', 'fixed €7.00'],
      ['commission', 500, 'EUR', '10% of €50.00 = €5.00'],
    ]);
    // the sale did earn and is listed (so the check below is not vacuous)
    expect(bodies.find(([p]) => p === '/v1/me/commissions')![1]).toContain('10% of €120.00 = €12.00');
    for (const [path, body] of bodies) {
      for (const secret of ['victim', 'Victim Person', 'cust_1', '"plan"']) expect(body.toLowerCase().includes(secret.toLowerCase()), `${path} shows ${secret}`).toBe(false);
    }
  });
});
