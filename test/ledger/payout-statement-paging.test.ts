import { beforeAll, describe, expect, it } from 'vitest';
import { expectApiError } from '../foundation/support';
import { issueToken, makePartnerApp, ok, snapshot, type PartnerApp } from '../me/helpers';
import { portalSignIn } from '../helpers/portal-sign-in';
import { ADMIN_KEY } from '../helpers/app';
import { streamStatementCsv } from '../../src/payouts/statement-csv';
import { readPayoutStatement, readPayoutStatementPage } from '../../src/db/queries/payout-statements';
import { encodeCursor } from '../../src/lib/pagination';

/**
 * Jane's payout of 14 entries: 4 leads each earning on 3 rules at once (3 entries with one
 * createdAt), a sale (10% of 10000) and a 30% refund of it (a -300 reversal): 4 × 600 + 1000 - 300.
 * Bob, in the same program, has a payout of his own that never shows in Jane's.
 */
let h: PartnerApp;
let payout: any;
let bobPayout: any;
let janeToken: string;
beforeAll(async () => {
  h = await makePartnerApp();
  const program = await ok(h.admin('POST', '/v1/programs', { name: 'Acme', currency: 'EUR', defaultUrl: 'https://acme.test/', allowedHosts: ['acme.test'], holdDays: 0 }), 201);
  const jane = await ok(h.admin('POST', `/v1/programs/${program.id}/partners`, { name: 'Jane', email: 'jane@partner.test', code: 'JANE' }), 201);
  const bob = await ok(h.admin('POST', `/v1/programs/${program.id}/partners`, { name: 'Bob', email: 'bob@partner.test', code: 'BOB' }), 201);
  await ok(h.admin('POST', `/v1/partners/${jane.id}/links`, { url: 'https://acme.test/x', code: 'jane-spring', campaign: 'spring, "sale"' }), 201);
  for (const amount of [100, 200, 300]) await ok(h.admin('POST', `/v1/programs/${program.id}/rewards`, { event: 'lead', type: 'fixed', amount }), 201);
  await ok(h.admin('POST', `/v1/programs/${program.id}/rewards`, { event: 'sale', type: 'percent', amount: 1000 }), 201);
  for (const i of [1, 2, 3, 4]) {
    await ok(h.admin('POST', '/v1/track/lead', { code: i % 2 ? 'jane-spring' : 'JANE', customer: { externalId: `cus_${i}` } }));
    h.t.advance(1000);
  }
  await ok(h.admin('POST', '/v1/track/lead', { code: 'BOB', customer: { externalId: 'cus_b' } }));
  h.t.advance(1000);
  await ok(h.admin('POST', '/v1/track/sale', { programId: program.id, customerExternalId: 'cus_1', externalId: 'ord_1', amount: 10000, currency: 'EUR' }));
  h.t.advance(1000);
  await ok(h.admin('POST', '/v1/track/refund', { programId: program.id, saleExternalId: 'ord_1', externalId: 'rf_1', amount: 3000 }));
  h.t.advance(1000);
  const built = (await ok(h.admin('POST', `/v1/programs/${program.id}/payouts`, {}), 201)).data as any[];
  payout = built.find((p) => p.partnerId === jane.id);
  bobPayout = built.find((p) => p.partnerId === bob.id);
  expect([payout.amount, payout.entryCount, bobPayout.amount, bobPayout.entryCount]).toEqual([3100, 14, 600, 3]);
  // Jane earns again after the build: 3 newer entries of hers, in no payout, never in the statement.
  await ok(h.admin('POST', '/v1/track/lead', { code: 'JANE', customer: { externalId: 'cus_later' } }));
  janeToken = await issueToken(h, jane.id);
});

const newestFirst = (a: any, b: any) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1);

/** Every page of `path` (limit `limit`), following nextCursor; the pages as answered. */
async function pagesOf(path: string, limit: number) {
  const pages: any[] = [];
  let cursor: string | null = null;
  do {
    const page: any = await ok(h.admin('GET', `${path}?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`));
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor && pages.length < 100);
  return pages;
}

describe('GET /v1/payouts/:id (admin) — paged as the partner statement is', () => {
  it('the first page: the whole payout as header, its period, 50 entries by default, newest first, with link code and campaign', async () => {
    const r = await ok(h.admin('GET', `/v1/payouts/${payout.id}`));
    const { entries, ...header } = r;
    // Jane never set payout details: the admin's statement says so (test/payouts/payout-details-admin.test.ts sets them).
    expect(header).toEqual({ ...payout, payoutMethod: null, payoutDetails: null, payoutDetailsUpdatedAt: null, period: { from: entries[13].createdAt, to: entries[0].createdAt }, nextCursor: null });
    expect(entries).toHaveLength(14);
    expect([...entries].sort(newestFirst)).toEqual(entries);
    expect(entries.map((e: any) => e.kind)).toEqual(['reversal', ...Array(13).fill('commission')]);
    expect(entries.slice(0, 2).map((e: any) => e.amount)).toEqual([-300, 1000]);
    expect(entries.slice(2).map((e: any) => e.amount).sort()).toEqual([100, 100, 100, 100, 200, 200, 200, 200, 300, 300, 300, 300]);
    // Leads 1 and 3 came through jane-spring, 2 and 4 through the default link (code JANE, no campaign).
    expect(entries.slice(2).map((e: any) => [e.linkCode, e.campaign])).toEqual([
      ...Array(3).fill(['JANE', null]),
      ...Array(3).fill(['jane-spring', 'spring, "sale"']),
      ...Array(3).fill(['JANE', null]),
      ...Array(3).fill(['jane-spring', 'spring, "sale"']),
    ]);
    expect(entries.slice(0, 2).map((e: any) => e.linkCode)).toEqual(['jane-spring', 'jane-spring']);
    expect(entries.every((e: any) => e.payoutId === payout.id && e.partnerId === payout.partnerId)).toBe(true);
    // Exactly what the partner's own statement shows, but for the explanations (the admin reads the
    // stored ledger text, the partner the same in money) and the payout details, admin only.
    const partnerView = await ok(h.as(janeToken)('GET', `/v1/me/payouts/${payout.id}`));
    const withoutExplanations = (v: any) => ({ ...v, entries: v.entries.map(({ explanation: _, ...e }: any) => e) });
    const { payoutMethod: _m, payoutDetails: _d, payoutDetailsUpdatedAt: _u, ...adminView } = r;
    expect(withoutExplanations(adminView)).toEqual(withoutExplanations(partnerView));
    expect('payoutMethod' in partnerView).toBe(false);
    expect(entries.slice(0, 2).map((e: any) => e.explanation)).toEqual(['refund 3000 of sale 10000 (refunded 3000 in all): reversal 300 of 1000', '10% of 10000 = 1000']);
    expect(partnerView.entries.slice(0, 2).map((e: any) => e.explanation)).toEqual(['refund €30.00 of sale €100.00 (refunded €30.00 in all): reversal €3.00 of €10.00', '10% of €100.00 = €10.00']);
  });

  it.each([1, 2, 4, 5, 13, 14, 200])('limit=%i: pages add up to the whole statement, each entry once, every header the whole payout', async (limit) => {
    const whole = await ok(h.admin('GET', `/v1/payouts/${payout.id}?limit=200`));
    const pages = await pagesOf(`/v1/payouts/${payout.id}`, limit);
    expect(pages).toHaveLength(Math.max(1, Math.ceil(14 / limit)));
    const entries = pages.flatMap((p) => p.entries);
    expect(entries).toEqual(whole.entries);
    expect(new Set(entries.map((e: any) => e.id)).size).toBe(14);
    expect(entries.reduce((s: number, e: any) => s + e.amount, 0)).toBe(3100);
    for (const [i, p] of pages.entries()) {
      const { entries: shown, nextCursor, ...header } = p;
      const { entries: _all, nextCursor: _none, ...wholeHeader } = whole;
      expect(header).toEqual(wholeHeader);
      expect(shown.length).toBe(i < pages.length - 1 ? limit : 14 - limit * (pages.length - 1));
      expect(nextCursor === null).toBe(i === pages.length - 1);
    }
  });

  it('a page boundary between entries with the same createdAt loses and repeats nothing', async () => {
    const pages = await pagesOf(`/v1/payouts/${payout.id}`, 4);
    expect(pages.map((p) => p.entries.length)).toEqual([4, 4, 4, 2]);
    // Entries 2–4, 5–7, 8–10, 11–13 share a createdAt: the boundaries after 4 and after 12 split a group.
    expect(pages[0].entries[3].createdAt).toBe(pages[1].entries[0].createdAt);
    expect(pages[2].entries[3].createdAt).toBe(pages[3].entries[0].createdAt);
    const byTime = new Map<string, number>();
    for (const e of pages.flatMap((p) => p.entries)) byTime.set(e.createdAt, (byTime.get(e.createdAt) ?? 0) + 1);
    expect([...byTime.values()]).toEqual([1, 1, 3, 3, 3, 3]);
  });

  it('a bad limit, cursor or format is a 422 naming it; an unknown payout is a 404 (JSON and CSV); nothing is written', async () => {
    const before = await snapshot(h.t);
    for (const [q, field] of [
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=1.5', 'limit'],
      ['cursor=%25%25%25', 'cursor'],
      ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
      [`cursor=${'A'.repeat(201)}`, 'cursor'],
      ['format=xml', 'format'],
    ] as const) {
      const r = await h.admin('GET', `/v1/payouts/${payout.id}?${q}`);
      expectApiError(r, 422, 'validation_failed', field);
    }
    for (const q of ['', '?format=csv']) {
      const r = await h.admin('GET', `/v1/payouts/pay_unknown${q}`);
      expectApiError(r, 404, 'not_found');
      expect(r.res.headers.get('content-type')).toMatch(/^application\/json/);
    }
    expectApiError(await h.as(janeToken)('GET', `/v1/payouts/${payout.id}`), 401, 'unauthorized');
    expect(await snapshot(h.t)).toEqual(before);
  });
});

/**
 * The statement CSV as the code before streaming built it: one string from all entries at once. The
 * admin's file (`admin`) also has the partner's payout details, here none set: three empty cells.
 */
function expectedCsv(p: any, entries: any[], admin = false) {
  const field = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const payee = admin ? ['', '', ''] : [];
  const lines = entries.map((e) =>
    [p.id, p.status, e.createdAt, e.id, e.kind, e.status, (e.amount / 100).toFixed(2), e.unit, e.eventId, e.reversesId ?? '', e.linkCode ?? '', e.campaign ?? '', e.explanation, ...payee].map(field).join(','),
  );
  const header = `payout_id,payout_status,created_at,commission_id,kind,status,amount,unit,event_id,reverses_id,link_code,campaign,explanation${admin ? ',payout_method,payout_details,payout_details_updated_at' : ''}`;
  return [header, ...lines, ''].join('\r\n');
}

describe('the statement CSV is streamed page by page, byte for byte what it was', () => {
  it('admin ?format=csv, partner ?format=csv and portal statement.csv = the whole statement as one string (partners: explanations in money)', async () => {
    const whole = await ok(h.admin('GET', `/v1/payouts/${payout.id}?limit=200`));
    const want = expectedCsv(whole, whole.entries, true);
    expect(want.split('\r\n')).toHaveLength(16);
    const mine = await ok(h.as(janeToken)('GET', `/v1/me/payouts/${payout.id}?limit=200`));
    const wantPartner = expectedCsv(mine, mine.entries);
    expect(wantPartner.split('\r\n')[2]).toBe(want.split('\r\n')[2]!.replace('10% of 10000 = 1000', '10% of €100.00 = €10.00').replace(/,,,$/, ''));
    const fetchCsv = async (path: string, headers: Record<string, string>) => {
      const res = await h.app.request(path, { headers });
      expect(res.status).toBe(200);
      expect([res.headers.get('content-type'), res.headers.get('content-disposition'), res.headers.get('cache-control'), res.headers.get('x-content-type-options')]).toEqual([
        'text/csv; charset=utf-8',
        `attachment; filename="payout-${payout.id}.csv"`,
        'no-store',
        'nosniff',
      ]);
      return res.text();
    };
    expect(await fetchCsv(`/v1/payouts/${payout.id}?format=csv`, { authorization: `Bearer ${ADMIN_KEY}` })).toBe(want);
    expect(await fetchCsv(`/v1/me/payouts/${payout.id}?format=csv&limit=1`, { authorization: `Bearer ${janeToken}` })).toBe(wantPartner);
    const session = await portalSignIn((path, init) => h.app.request(path, init), janeToken);
    expect(await fetchCsv(`/portal/payouts/${payout.id}/statement.csv`, { cookie: session })).toBe(wantPartner);
    // The campaign's comma and quotes are quoted as RFC 4180 says.
    expect(want).toContain(',jane-spring,"spring, ""sale""",');
  });

  it.each([1, 2, 3, 4, 13, 14, 15, 500])('read %i entries at a time, the bytes are the same', async (pageSize) => {
    const whole = await ok(h.admin('GET', `/v1/payouts/${payout.id}?limit=200`));
    for (const scope of ['admin', { partnerId: payout.partnerId, programId: payout.programId }] as const) {
      const csv = await streamStatementCsv(h.t.db, payout.id, scope, { pageSize });
      expect(await new Response(csv!.body).text()).toBe(expectedCsv(whole, whole.entries, scope === 'admin'));
    }
    expect(await streamStatementCsv(h.t.db, bobPayout.id, { partnerId: payout.partnerId, programId: payout.programId }, { pageSize })).toBeNull();
  });

  it('reads one page per pull, as the client reads: 14 entries 4 at a time are 4 batches and 4 chunks, not one read up front', async () => {
    const client = h.t.db.$client as unknown as { batch: (...a: unknown[]) => Promise<unknown> };
    const original = client.batch;
    let batches = 0;
    client.batch = (...a: unknown[]) => (batches++, original.apply(client, a));
    try {
      const csv = await streamStatementCsv(h.t.db, payout.id, 'admin', { pageSize: 4 });
      const reader = csv!.body.getReader();
      await new Promise((r) => setTimeout(r, 20));
      // The first page (read to find the payout) and at most the one the stream fills ahead.
      expect(batches).toBeLessThanOrEqual(2);
      const chunks: string[] = [];
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(decoder.decode(value));
      }
      expect(batches).toBe(4);
      expect(chunks.map((c) => c.split('\r\n').length - 1)).toEqual([1 + 4, 4, 4, 2]);
    } finally {
      client.batch = original;
    }
  });
});

describe('a statement page is an index range from the cursor, not a sort of the whole payout', () => {
  /** The statements one read sends in its batch, each with its EXPLAIN QUERY PLAN. */
  async function batchOf(read: () => Promise<unknown>) {
    const client = h.t.db.$client as unknown as { batch: (stmts: { sql: string; args: unknown[] }[], ...a: unknown[]) => Promise<unknown> };
    const original = client.batch;
    const seen: { sql: string; args: unknown[] }[] = [];
    client.batch = (stmts, ...a) => (seen.push(...stmts), original.call(client, stmts, ...a));
    try {
      await read();
    } finally {
      client.batch = original;
    }
    const run = async (sql: string, args: unknown[]) => (await (h.t.db.$client as any).execute({ sql, args })).rows;
    return Promise.all(seen.map(async (q) => ({ ...q, plan: (await run(`EXPLAIN QUERY PLAN ${q.sql}`, q.args)).map((r: any) => String(r.detail)), rows: await run(q.sql, q.args) })));
  }
  const janeScope = () => ({ partnerId: payout.partnerId, programId: payout.programId });

  it.each(['admin', 'partner'] as const)('%s: the page after a cursor searches commissions_payout_created_idx from the cursor, newest first, without a sort', async (who) => {
    const scope = who === 'admin' ? 'admin' : janeScope();
    const [, page] = await batchOf(() => readPayoutStatementPage(h.t.db, payout.id, scope, { limit: 500, cursor: encodeCursor(new Date(), 'com_z') }));
    expect(page!.plan).toEqual([
      'SEARCH commissions USING INDEX commissions_payout_created_idx (payout_id=? AND (created_at,id)<(?,?))',
      'SEARCH events USING INDEX sqlite_autoindex_events_1 (id=?) LEFT-JOIN',
      'SEARCH links USING INDEX sqlite_autoindex_links_1 (id=?) LEFT-JOIN',
    ]);
    expect(page!.rows).toHaveLength(14);
  });

  it('a CSV page reads only the columns a line shows (the 9 of the entry, its link code and campaign), the bytes unchanged', async () => {
    const [, page] = await batchOf(() => readPayoutStatementPage(h.t.db, payout.id, janeScope(), { limit: 500 }));
    expect(page!.sql).toMatch(
      /^select "commissions"."id", "commissions"."created_at", "commissions"."kind", "commissions"."status", "commissions"."amount", "commissions"."unit", "commissions"."event_id", "commissions"."reverses_id", "commissions"."explanation", "links"."code", "links"."campaign" from "commissions" /,
    );
    const read = await readPayoutStatementPage(h.t.db, payout.id, 'admin', { limit: 1 });
    expect(Object.keys(read!.entries[0]!.commission)).toEqual(['id', 'createdAt', 'kind', 'status', 'amount', 'unit', 'eventId', 'reversesId', 'explanation']);
    expect(read!.entries[0]!.commission.createdAt).toBeInstanceOf(Date);
  });

  it('the period is the first and the last entry of the range, each read as one row', async () => {
    const [, from, to] = await batchOf(() => readPayoutStatement(h.t.db, payout.id, janeScope(), { limit: 1 }));
    const whole = await ok(h.admin('GET', `/v1/payouts/${payout.id}?limit=200`));
    expect([from!.rows, to!.rows].map((r: any) => r.map((x: any) => new Date(Number(x.created_at)).toISOString()))).toEqual([[whole.entries[13].createdAt], [whole.entries[0].createdAt]]);
    expect(whole.period).toEqual({ from: whole.entries[13].createdAt, to: whole.entries[0].createdAt });
  });

  it("a partner's read of another partner's payout: no payout (404) and not one entry, even in the batch", async () => {
    const cursor = encodeCursor(new Date(), 'com_z');
    for (const read of [
      () => readPayoutStatement(h.t.db, bobPayout.id, janeScope(), { limit: 50 }),
      () => readPayoutStatementPage(h.t.db, bobPayout.id, janeScope(), { limit: 500, cursor }),
    ]) {
      expect(await read()).toBeNull();
      const sent = await batchOf(read);
      expect(sent.map((q) => q.rows.length)).toEqual(sent.length === 4 ? [0, 0, 0, 0] : [0, 0]);
    }
    // The admin reads Bob's: 3 entries (the scope, not the data, kept them out above).
    expect((await ok(h.admin('GET', `/v1/payouts/${bobPayout.id}`))).entries).toHaveLength(3);
  });
});
