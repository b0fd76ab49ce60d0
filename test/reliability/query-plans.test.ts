import type { InArgs } from '@libsql/client';
import { and, eq, lte } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app';
import { captureStatements as capture, clientOf, type Captured } from './support';
import { commissions } from '../../src/db/schema';
import { findRedirectTarget, linkStats, linksMaybeNaming, listLinksOfPartner } from '../../src/db/queries/links';
import { lastUniqueClicks } from '../../src/db/queries/clicks';
import { activeRewardsFor, findClick, findCustomer, findEarlyEvents, findEventByDedupeKey, findLinkByCode, findProgramEvent, findRefundsOfSale, readCounters } from '../../src/db/queries/conversions';
import { approveDue, commissionsOfSale, listCommissions, listEvents, listPayouts, markPayoutPaid, partnerBalance } from '../../src/db/queries/ledger';
import { cancelPayout } from '../../src/db/queries/payouts';
import { knownUnits, payableGroups } from '../../src/db/queries/payout-builds';
import { readPayoutStatement, readPayoutStatementPage } from '../../src/db/queries/payout-statements';
import { countActivePartners, ledgerTotalsByStatus, sumCommissionRollups, sumRollups } from '../../src/db/queries/reports';
import { partnerDailySeries } from '../../src/db/queries/portal';
import { findPartnerWithProgram, listPartnerCommissions } from '../../src/db/queries/me';
import { deleteTokenRevocationsBefore, findPartnerTokenAccess } from '../../src/db/queries/partner-tokens';
import { findActiveKeyByHash } from '../../src/db/queries/api-keys';
import { findTouchAt } from '../../src/db/queries/attribution-history';
import { deleteIdempotencyKeysBefore, findIdempotencyKey } from '../../src/db/queries/idempotency';
import { listPartners } from '../../src/db/queries/partners';

/**
 * EXPLAIN QUERY PLAN for the hot queries. The SQL and its arguments are captured from the real
 * query functions in src/db/queries while they run (so the plan is of what production sends, not a
 * hand-written copy). "Indexed" means: at least one SEARCH through an index or primary key, and no
 * SCAN at all — neither of the table nor of a whole index (`SCAN t USING INDEX i` reads every
 * entry of `i`, which is no better than a table scan for a lookup).
 */


/** Reads and writes that can use an index; inserts and transaction control have no plan to check. */
const lookups = (qs: Captured[]) => qs.filter((q) => !/^\s*(insert|begin|commit|rollback|pragma)\b/i.test(q.sql));

/**
 * Plans are read on a separate, empty database with the same migrations: EXPLAIN of a write
 * statement through libSQL leaves that statement open, and every later batch on the connection
 * then fails with SQLITE_BUSY ("SQL statements in progress"). Without ANALYZE statistics SQLite
 * plans from the schema alone, so the plan is the same as on the populated database.
 */
let planner: TestApp | undefined;
async function planOf(q: Captured, on?: TestApp): Promise<string[]> {
  const db = on ?? (planner ??= await makeApp());
  const res = await clientOf(db).execute({ sql: `EXPLAIN QUERY PLAN ${q.sql}`, args: q.args });
  return res.rows.map((r) => String(r.detail));
}

const SEARCH_BY_INDEX = /^SEARCH \S+ (AS \S+ )?USING (COVERING INDEX|INDEX|PRIMARY KEY|INTEGER PRIMARY KEY)\b/;

function expectIndexed(label: string, plan: string[]) {
  // json_each reads a statement's own JSON parameter (a payout build's ids), not a table.
  const scans = plan.filter((l) => /^SCAN /.test(l) && !/^SCAN (CONSTANT ROW|json_each VIRTUAL TABLE)/.test(l));
  expect(scans, `${label}: ${plan.join(' / ')}`).toEqual([]);
  expect(plan.some((l) => SEARCH_BY_INDEX.test(l)), `${label}: ${plan.join(' / ')}`).toBe(true);
}

async function expectAllIndexed(t: TestApp, label: string, fn: () => Promise<unknown>) {
  const qs = lookups(await capture(t, fn));
  expect(qs.length, `${label}: no query captured`).toBeGreaterThan(0);
  for (const q of qs) expectIndexed(`${label} — ${q.sql.slice(0, 140)}`, await planOf(q));
  return qs;
}

interface World {
  t: TestApp;
  program: string;
  partner: string;
  link: string;
  sale: string;
  payout: string;
  click: string;
  visitor: string;
}

/** A program with clicks, a lead, two sales, a refund, approved commissions and a payout. */
async function world(): Promise<World> {
  const t = await makeApp();
  const ok = async (method: string, path: string, body?: unknown) => {
    const r = await t.json(method, path, body);
    expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
    return r.body;
  };
  const program = await ok('POST', '/v1/programs', { name: 'Acme', currency: 'EUR', defaultUrl: 'https://acme.test/', allowedHosts: ['acme.test'], holdDays: 0 });
  const partner = await ok('POST', `/v1/programs/${program.id}/partners`, { name: 'Jane', email: 'jane@partner.test', code: 'jane' });
  await ok('POST', `/v1/partners/${partner.id}/links`, { url: 'https://acme.test/pro', code: 'jane-pro', campaign: 'spring' });
  await ok('POST', `/v1/programs/${program.id}/rewards`, { event: 'sale', type: 'fixed', amount: 500 });
  for (let i = 0; i < 3; i++) await t.app.request('/jane', { headers: { 'user-agent': `Mozilla/5.0 test ${i}` } });
  await t.close();
  await ok('POST', '/v1/track/lead', { code: 'jane', customer: { externalId: 'cus_1' } });
  const sale = await ok('POST', '/v1/track/sale', { programId: program.id, customerExternalId: 'cus_1', externalId: 'ord_1', amount: 4900, currency: 'EUR' });
  await ok('POST', '/v1/track/refund', { programId: program.id, saleExternalId: 'ord_1', externalId: 're_1', amount: 100 });
  t.advance(60_000);
  await ok('POST', '/v1/jobs/approve-commissions');
  const payouts = await ok('POST', `/v1/programs/${program.id}/payouts`, { minAmount: 1 });
  expect(payouts.data).toHaveLength(1);
  const click = await clientOf(t).execute('select id, visitor_hash from clicks limit 1');
  return {
    t,
    program: program.id,
    partner: partner.id,
    link: partner.defaultLink.id,
    sale: sale.event.id,
    payout: payouts.data[0].id,
    click: String(click.rows[0]!.id),
    visitor: String(click.rows[0]!.visitor_hash),
  };
}

const FROM = '2026-02-01';
const TO = '2026-03-01';

/** The hot queries that use an index today. */
const indexed: [string, (w: World) => Promise<unknown>][] = [
  ['findRedirectTarget (GET /:code)', (w) => findRedirectTarget(w.t.db, 'jane')],
  ['findLinkByCode (lead by referral code)', (w) => findLinkByCode(w.t.db, 'jane')],
  ['findClick', (w) => findClick(w.t.db, w.click)],
  ['findCustomer', (w) => findCustomer(w.t.db, w.program, 'cus_1')],
  ['findTouchAt (last_click conversion older than the current touch)', (w) => findTouchAt(w.t.db, w.program, 'cus_any', new Date())],
  ['findEventByDedupeKey', (w) => findEventByDedupeKey(w.t.db, w.program, 'sale:ord_1')],
  ['activeRewardsFor', (w) => activeRewardsFor(w.t.db, w.program, 'sale')],
  ['findEarlyEvents (every lead of an attributed customer)', (w) => findEarlyEvents(w.t.db, w.program, 'cus_1', 50)],
  ['findProgramEvent (an early event decided again)', (w) => findProgramEvent(w.t.db, w.program, 'evt_x')],
  ['findRefundsOfSale (an early sale decided again)', (w) => findRefundsOfSale(w.t.db, w.sale)],
  ['readCounters', (w) => readCounters(w.t.db, ['refund|x', 'tier|y'])],
  ['commissionsOfSale (both queries)', (w) => commissionsOfSale(w.t.db, w.sale)],
  ['approveDue (the UPDATE itself)', (w) => approveDue(w.t.db, w.t.now)],
  ['payableGroups', (w) => payableGroups(w.t.db, { programId: w.program })],
  ['payableGroups of one partner', (w) => payableGroups(w.t.db, { programId: w.program, partnerId: w.partner })],
  ['listCommissions by program', (w) => listCommissions(w.t.db, { programId: w.program, limit: 50 })],
  ['listCommissions by program + partner', (w) => listCommissions(w.t.db, { programId: w.program, partnerId: w.partner, limit: 50 })],
  ['listEvents by program + customerExternalId', (w) => listEvents(w.t.db, { programId: w.program, customerExternalId: 'cus_1', limit: 50 })],
  ['listEvents by program', (w) => listEvents(w.t.db, { programId: w.program, limit: 50 })],
  ['linkStats (rollups)', (w) => linkStats(w.t.db, { id: w.link, partnerId: w.partner })],
  ['listLinksOfPartner', (w) => listLinksOfPartner(w.t.db, w.partner, 50)],
  ['linksMaybeNaming (PATCH clickIdParam)', (w) => linksMaybeNaming(w.t.db, w.program, 'utm_source')],
  ['sumRollups program + dim + day range', (w) => sumRollups(w.t.db, { programId: w.program, dim: 'all', from: FROM, to: TO }, ['day'])],
  ['sumRollups program + dim + key, by partner', (w) => sumRollups(w.t.db, { programId: w.program, dim: 'campaign', key: 'spring', from: FROM, to: TO }, ['partner'])],
  ['sumRollups partner-scoped', (w) => sumRollups(w.t.db, { programId: w.program, partnerId: w.partner, dim: 'all', from: FROM, to: TO }, ['day'])],
  ['sumCommissionRollups partner-scoped', (w) => sumCommissionRollups(w.t.db, { programId: w.program, partnerId: w.partner, dim: 'all', from: FROM, to: TO }, ['day'])],
  ['countActivePartners', (w) => countActivePartners(w.t.db, w.program, FROM, TO)],
  ['ledgerTotalsByStatus', (w) => ledgerTotalsByStatus(w.t.db, w.program, 'EUR', Date.parse(FROM), Date.parse(TO))],
  ['partnerDailySeries (portal chart)', (w) => partnerDailySeries(w.t.db, w.program, w.partner, FROM, TO)],
  ['findPartnerTokenAccess (every partner request)', (w) => findPartnerTokenAccess(w.t.db, { partnerId: w.partner, programId: w.program, tokenId: '00000000-0000-4000-8000-000000000000' })],
  ['findPartnerWithProgram', (w) => findPartnerWithProgram(w.t.db, w.partner, w.program)],
  ['listPartnerCommissions (/v1/me/commissions)', (w) => listPartnerCommissions(w.t.db, { programId: w.program, partnerId: w.partner, limit: 50 })],
  ['listPayouts', (w) => listPayouts(w.t.db, { programId: w.program, partnerId: w.partner, limit: 50 })],
  ['listPayouts by status', (w) => listPayouts(w.t.db, { programId: w.program, status: 'canceled', limit: 50 })],
  ['listPayouts by partner + status', (w) => listPayouts(w.t.db, { programId: w.program, partnerId: w.partner, status: 'pending', limit: 50 })],
  ['knownUnits (a build\'s per-unit minimums)', (w) => knownUnits(w.t.db, w.program, ['points', 'MB'])],
  ['readPayoutStatement admin (GET /v1/payouts/:id, one batch with the link join)', (w) => readPayoutStatement(w.t.db, w.payout, 'admin', { limit: 50 })],
  ['readPayoutStatementPage (a statement CSV page, one batch)', (w) => readPayoutStatementPage(w.t.db, w.payout, { partnerId: w.partner, programId: w.program }, { limit: 500, cursor: 'MTc3MjM2NjQwMDAwMDpjb21feg' })],
  ['readPayoutStatement (GET /v1/me/payouts/:id, one batch with the link join)', (w) => readPayoutStatement(w.t.db, w.payout, { partnerId: w.partner, programId: w.program }, { limit: 50 })],
  ['findActiveKeyByHash (every rk_ request)', (w) => findActiveKeyByHash(w.t.db, 'f'.repeat(64))],
  ['findIdempotencyKey', (w) => findIdempotencyKey(w.t.db, 'f'.repeat(64))],
  ['deleteIdempotencyKeysBefore (a chunk of the periodic job)', (w) => deleteIdempotencyKeysBefore(w.t.db, w.t.now, 500)],
  ['deleteTokenRevocationsBefore (a chunk of the periodic job)', (w) => deleteTokenRevocationsBefore(w.t.db, w.t.now, 500)],
];

/**
 * Hot queries that used to scan, each with the index that fixed it (migration 0004 added them; the
 * test still checks the plan on a scratch database). The plans before, for the record:
 * - lastUniqueClicks: `SCAN clicks USING INDEX clicks_link_visitor_idx` — the dedup read of every
 *   click batch filters on visitor_hash, the index's second column, so it reads every click.
 * - partnerBalance: `SCAN commissions` — GET /v1/partners/:id/balance, /v1/me/balance and the portal
 *   filter on partner_id alone; commissions_program_partner_idx leads with program_id.
 * - listEvents by customerExternalId without programId: `SCAN events` (GET /v1/events allows it).
 * - listEvents without any filter: `SCAN events` + a temp B-tree sort of all events for one page.
 */
const gaps: { name: string; run: (w: World) => Promise<unknown>; fix: string; now: RegExp; ordered?: boolean }[] = [
  {
    name: 'lastUniqueClicks (click dedup)',
    run: (w) => lastUniqueClicks(w.t.db, [w.visitor, 'f'.repeat(64)]),
    fix: 'CREATE INDEX clicks_visitor_last_unique_idx ON clicks (visitor_hash, link_id, created_at) WHERE is_unique = 1',
    now: /^SCAN clicks/,
  },
  {
    name: 'partnerBalance',
    run: (w) => partnerBalance(w.t.db, w.partner),
    fix: 'CREATE INDEX commissions_partner_balance_idx ON commissions (partner_id, recipient, unit, status, amount)',
    now: /^SCAN commissions/,
  },
  {
    name: 'listEvents by customerExternalId only',
    run: (w) => listEvents(w.t.db, { customerExternalId: 'cus_1', limit: 50 }),
    fix: 'CREATE INDEX events_customer_external_idx ON events (customer_external_id, created_at, id)',
    now: /^SCAN events/,
  },
  {
    name: 'listEvents unfiltered (GET /v1/events)',
    run: (w) => listEvents(w.t.db, { limit: 50 }),
    fix: 'CREATE INDEX events_created_idx ON events (created_at, id)',
    now: /^SCAN events$/,
    // A newest-first page walks the index in order and stops after `limit` rows: no sort, no full read.
    ordered: true,
  },
];

describe('query plans of the hot queries', () => {
  let w: World;
  beforeAll(async () => {
    w = await world();
  });

  it.each(indexed)('%s uses an index', async (name, run) => {
    await expectAllIndexed(w.t, name, () => run(w));
  });

  it('approveDue as the equivalent SELECT (drizzle .toSQL()) searches commissions_status_hold_idx', async () => {
    const q = w.t.db
      .select({ id: commissions.id })
      .from(commissions)
      .where(and(eq(commissions.status, 'pending'), lte(commissions.holdUntil, w.t.now)))
      .toSQL();
    const plan = await planOf({ sql: q.sql, args: q.params as InArgs });
    expectIndexed('approveDue select', plan);
    expect(plan.join(' / ')).toMatch(/commissions_status_hold_idx \(status=\? AND hold_until<\?\)/);
  });

  it('the redirect lookup is three unique-key searches (link by code, partner and program by id)', async () => {
    const [q] = lookups(await capture(w.t, () => findRedirectTarget(w.t.db, 'jane')));
    const plan = await planOf(q!);
    expect(plan).toHaveLength(3);
    expect(plan[0]).toMatch(/^SEARCH links USING INDEX links_code_key_unique \(code_key=\?\)/);
    expect(plan[1]).toMatch(/^SEARCH partners USING .*\(id=\?\)/);
    expect(plan[2]).toMatch(/^SEARCH programs USING .*\(id=\?\)/);
  });

  it.each(gaps)('$name: searches an index ($fix, now in the schema)', async ({ name, run, fix, now, ordered }) => {
    const [q, ...more] = lookups(await capture(w.t, () => run(w)));
    expect(more).toEqual([]);
    const scratch = await makeApp(); // the proposed index goes on a throwaway schema only
    const before = await planOf(q!, scratch);
    // Once the schema has this (or an equivalent) index the else branch is taken; both must hold.
    if (before.some((l) => now.test(l))) await clientOf(scratch).execute(fix);
    const after = await planOf(q!, scratch);
    if (ordered) {
      expect(after.join(' / '), name).toMatch(/^SCAN events USING (COVERING )?INDEX \S+$/);
    } else {
      expectIndexed(`${name} with the proposed index`, after);
    }
  });

  // Indexed, but by the wrong index: without ANALYZE statistics SQLite prefers the (status,
  // hold_until) index, so these read the approved entries of every program, not one program's.
  it('payout claim and status-filtered ledger: scoped to the program once (program_id, status, partner_id, unit, created_at) exists', async () => {
    const sale = await w.t.json('POST', '/v1/track/sale', { programId: w.program, customerExternalId: 'cus_1', externalId: 'ord_claim', amount: 2000, currency: 'EUR' });
    expect(sale.status).toBe(200);
    w.t.advance(60_000);
    expect((await w.t.json('POST', '/v1/jobs/approve-commissions')).status).toBe(200);
    const payoutSql = await capture(w.t, () => w.t.json('POST', `/v1/programs/${w.program}/payouts`, { minAmount: 1 }));
    const claim = payoutSql.find((q) => /^update "commissions" set "payout_id"/.test(q.sql));
    expect(claim, 'the claiming UPDATE was captured').toBeDefined();
    const [byStatus] = lookups(await capture(w.t, () => listCommissions(w.t.db, { programId: w.program, status: 'approved', limit: 50 })));
    const fix = 'CREATE INDEX commissions_program_status_idx ON commissions (program_id, status, partner_id, unit, created_at)';
    const scratch = await makeApp();
    for (const q of [claim!, byStatus!]) expectIndexed(q.sql.slice(0, 60), await planOf(q, scratch));
    const unscoped = (plan: string[]) => plan.some((l) => /^SEARCH commissions USING \S*\s?INDEX commissions_status_hold_idx/.test(l));
    if (unscoped(await planOf(claim!, scratch))) await clientOf(scratch).execute(fix);
    for (const q of [claim!, byStatus!]) {
      const plan = await planOf(q, scratch);
      expectIndexed(q.sql.slice(0, 60), plan);
      expect(unscoped(plan), plan.join(' / ')).toBe(false);
      expect(plan.join(' / ')).toMatch(/\(program_id=\? AND status=\?/);
    }
  });
});

/**
 * Payout statements (0012). Before, the only payout index was (payout_id): a statement page walked
 * commissions_program_partner_idx (program_id, partner_id, created_at) from the cursor and, having no
 * id in that index, sorted it (`USE TEMP B-TREE FOR RIGHT PART OF ORDER BY`), reading each entry's
 * row for its payout_id; and `period` read min and max over every entry of the payout. Now a page is
 * a range of (payout_id, created_at, id) from the cursor in index order, and the period two probes
 * at its ends.
 */
describe('payout statements and every payout_id lookup use commissions_payout_created_idx', () => {
  let w: World;
  beforeAll(async () => {
    w = await world();
  });

  // The payout by id, with its partner's payout details by primary key (an admin's read; a partner's
  // matches no partner row, with the same plan).
  const PAYOUT = ['SEARCH payouts USING INDEX sqlite_autoindex_payouts_1 (id=?)', 'SEARCH partners USING INDEX sqlite_autoindex_partners_1 (id=?) LEFT-JOIN'];
  const JOINS = ['SEARCH events USING INDEX sqlite_autoindex_events_1 (id=?) LEFT-JOIN', 'SEARCH links USING INDEX sqlite_autoindex_links_1 (id=?) LEFT-JOIN'];
  const CURSOR = 'MTc3MjM2NjQwMDAwMDpjb21feg'; // 1772366400000:com_z
  const partnerScope = (w: World) => ({ partnerId: w.partner, programId: w.program });

  async function plansOf(fn: () => Promise<unknown>) {
    const qs = lookups(await capture(w.t, fn));
    return Promise.all(qs.map(async (q) => ({ sql: q.sql, args: q.args, plan: await planOf(q) })));
  }

  it.each([
    ['admin, first page', (w: World) => readPayoutStatement(w.t.db, w.payout, 'admin', { limit: 50 }), 'COVERING INDEX', 'payout_id=?'],
    ['admin, after a cursor', (w: World) => readPayoutStatement(w.t.db, w.payout, 'admin', { limit: 50, cursor: CURSOR }), 'COVERING INDEX', 'payout_id=? AND (created_at,id)<(?,?)'],
    ['partner, first page', (w: World) => readPayoutStatement(w.t.db, w.payout, partnerScope(w), { limit: 50 }), 'INDEX', 'payout_id=?'],
    ['partner, after a cursor', (w: World) => readPayoutStatement(w.t.db, w.payout, partnerScope(w), { limit: 50, cursor: CURSOR }), 'INDEX', 'payout_id=? AND (created_at,id)<(?,?)'],
  ] as const)('readPayoutStatement %s: the payout by id, the period as two probes, the page a range in index order', async (_name, run, periodIndex, range) => {
    const [payout, from, to, page, ...more] = await plansOf(() => run(w));
    expect(more).toEqual([]);
    expect(payout!.plan).toEqual(PAYOUT);
    // Each end of the period is the first entry of the range in one direction: LIMIT 1, no aggregate.
    for (const [end, dir] of [[from!, 'asc'], [to!, 'desc']] as const) {
      expect(end.plan).toEqual([`SEARCH commissions USING ${periodIndex} commissions_payout_created_idx (payout_id=?)`]);
      expect(end.sql).toMatch(new RegExp(`^select "created_at" from "commissions" where .* order by "commissions"."created_at" ${dir} limit \\?$`));
      expect((end.args as unknown[]).at(-1)).toBe(1);
    }
    // No TEMP B-TREE: newest first is the index walked backwards, and it stops after limit + 1 rows.
    expect(page!.plan).toEqual([`SEARCH commissions USING INDEX commissions_payout_created_idx (${range})`, ...JOINS]);
    expect((page!.args as unknown[]).at(-1)).toBe(51);
  });

  it('readPayoutStatementPage (a CSV page): the payout and a range from the cursor, nothing else', async () => {
    for (const scope of ['admin', partnerScope(w)] as const) {
      const plans = await plansOf(() => readPayoutStatementPage(w.t.db, w.payout, scope, { limit: 500, cursor: CURSOR }));
      expect(plans.map((p) => p.plan)).toEqual([PAYOUT, ['SEARCH commissions USING INDEX commissions_payout_created_idx (payout_id=? AND (created_at,id)<(?,?))', ...JOINS]]);
    }
  });

  it('a partner\'s scope never switches the page to the partner-wide index', async () => {
    const plans = await plansOf(() => readPayoutStatement(w.t.db, w.payout, partnerScope(w), { limit: 50 }));
    expect(plans.flatMap((p) => p.plan).filter((l) => /commissions_program_partner_idx|TEMP B-TREE|^SCAN /.test(l))).toEqual([]);
  });

  it('mark-paid and the payout build\'s totals find a payout\'s entries by payout_id through it', async () => {
    const paid = await plansOf(() => markPayoutPaid(w.t.db, w.payout, 'SEPA-1', w.t.now));
    const entries = paid.find((p) => /^update "commissions"/.test(p.sql))!;
    expect(entries.plan).toEqual(['SEARCH commissions USING INDEX commissions_payout_created_idx (payout_id=?)', 'SCALAR SUBQUERY 1', 'SEARCH p USING INDEX sqlite_autoindex_payouts_1 (id=?)']);
    const sale = await w.t.json('POST', '/v1/track/sale', { programId: w.program, customerExternalId: 'cus_1', externalId: 'ord_totals', amount: 2000, currency: 'EUR' });
    expect(sale.status).toBe(200);
    w.t.advance(60_000);
    expect((await w.t.json('POST', '/v1/jobs/approve-commissions')).status).toBe(200);
    const built = await plansOf(() => w.t.json('POST', `/v1/programs/${w.program}/payouts`, { minAmount: 1 }));
    const totals = built.find((p) => /^update "payouts" set "amount"/.test(p.sql))!;
    // amount = sum(c.amount) reads each entry's row; entry_count = count(*) the index alone.
    expect(totals.plan.filter((l) => /^SEARCH c /.test(l))).toEqual([
      'SEARCH c USING INDEX commissions_payout_created_idx (payout_id=?)',
      'SEARCH c USING COVERING INDEX commissions_payout_created_idx (payout_id=?)',
    ]);
  });

  it('a cancel releases the payout\'s entries through it, and moves the payout by id', async () => {
    const sale = await w.t.json('POST', '/v1/track/sale', { programId: w.program, customerExternalId: 'cus_1', externalId: 'ord_cancel', amount: 2000, currency: 'EUR' });
    expect(sale.status).toBe(200);
    w.t.advance(60_000);
    expect((await w.t.json('POST', '/v1/jobs/approve-commissions')).status).toBe(200);
    const [p] = (await w.t.json('POST', `/v1/programs/${w.program}/payouts`, { partnerId: w.partner })).body.data;
    const plans = await plansOf(() => cancelPayout(w.t.db, p.id, null, w.t.now));
    const [payout, release] = plans.filter((q) => /^update /.test(q.sql));
    expect(payout!.plan).toEqual(['SEARCH payouts USING INDEX sqlite_autoindex_payouts_1 (id=?)']);
    expect(release!.plan).toEqual(['SEARCH commissions USING INDEX commissions_payout_created_idx (payout_id=?)', 'SCALAR SUBQUERY 1', 'SEARCH p USING INDEX sqlite_autoindex_payouts_1 (id=?)']);
  });
});

/**
 * Every read and write statement on the hot request paths, captured end to end, must be indexed —
 * apart from the known gaps above. Guards against a new query slipping in with a full scan.
 */
describe('query plans of whole hot requests', () => {
  const knownGap = (_sql: string) => false; // the indexes these needed are in the schema now

  let w: World;
  beforeAll(async () => {
    w = await world();
  });

  const requests: [string, (w: World) => Promise<unknown>][] = [
    ['redirect + click write', async (w) => {
      const res = await w.t.app.request('/jane-pro', { headers: { 'user-agent': 'Mozilla/5.0 plans' } });
      expect(res.status).toBe(302);
      await w.t.close();
    }],
    ['lead by code', (w) => w.t.json('POST', '/v1/track/lead', { code: 'jane', customer: { externalId: 'cus_2' } })],
    ['sale', (w) => w.t.json('POST', '/v1/track/sale', { programId: w.program, customerExternalId: 'cus_2', externalId: 'ord_2', amount: 1000, currency: 'EUR' })],
    ['refund', (w) => w.t.json('POST', '/v1/track/refund', { programId: w.program, saleExternalId: 'ord_2', externalId: 're_2', amount: 10 })],
    ['approve job', async (w) => {
      w.t.advance(60_000);
      return w.t.json('POST', '/v1/jobs/approve-commissions');
    }],
    ['payouts', (w) => w.t.json('POST', `/v1/programs/${w.program}/payouts`, { minAmount: 1 })],
    ['payouts of one partner, per-unit minimum', (w) => w.t.json('POST', `/v1/programs/${w.program}/payouts`, { partnerId: w.partner, minAmount: { EUR: 1 } })],
    ['mark paid', (w) => w.t.json('POST', `/v1/payouts/${w.payout}/mark-paid`, { reference: 'SEPA-1' })],
    ['payouts list by status', (w) => w.t.json('GET', `/v1/programs/${w.program}/payouts?status=paid`)],
    ['report by partner', (w) => w.t.json('GET', `/v1/programs/${w.program}/report?groupBy=partner`)],
    ['report by campaign', (w) => w.t.json('GET', `/v1/programs/${w.program}/report?groupBy=campaign`)],
    ['kpis', (w) => w.t.json('GET', `/v1/programs/${w.program}/kpis`)],
    ['leaderboard', (w) => w.t.json('GET', `/v1/programs/${w.program}/leaderboard`)],
    ['commissions list', (w) => w.t.json('GET', `/v1/programs/${w.program}/commissions?partnerId=${w.partner}`)],
    ['balance', (w) => w.t.json('GET', `/v1/partners/${w.partner}/balance`)],
  ];

  it.each(requests)('%s', async (name, run) => {
    let result: any;
    const qs = lookups(await capture(w.t, async () => (result = await run(w))));
    if (result && typeof result === 'object' && 'status' in result) expect(result.status, `${name}: ${JSON.stringify(result.body)}`).toBeLessThan(300);
    expect(qs.length).toBeGreaterThan(0);
    for (const q of qs) {
      if (knownGap(q.sql)) continue;
      expectIndexed(`${name} — ${q.sql.slice(0, 160)}`, await planOf(q));
    }
  });
});

/**
 * The list filters of GET /v1/programs/:id/commissions?customerId and /partners?email&status.
 * By customer the ledger is read as the customer detail's credits are: the customer's events
 * (events_customer_idx), then each event's entries (commissions_event_reward_uq) — the ledger has
 * no customer index, and none is needed. The partner filters have no index of their own: they
 * filter the program's partners read in page order (partners_program_created_idx), left so
 * (a program's partners are few next to its ledger; see README, Performance).
 */
describe('query plans of the list filters', () => {
  let w: World;
  beforeAll(async () => {
    w = await world();
  });
  const CURSOR = 'MTc3MjM2NjQwMDAwMDpjb21feg'; // 1772366400000:com_z
  const one = async (run: () => Promise<unknown>) => {
    const [q, ...more] = lookups(await capture(w.t, run));
    expect(more).toEqual([]);
    return planOf(q!);
  };

  it.each([
    ['customerId', {}],
    ['customerId + partnerId', { partnerId: 'ptn_x' }],
    ['customerId + status', { status: 'approved' as const }],
    ['customerId + partnerId + status + cursor', { partnerId: 'ptn_x', status: 'pending' as const, cursor: CURSOR }],
  ])('commissions by %s: the customer\'s events, then their entries; only those are sorted', async (_name, extra) => {
    const plan = await one(() => listCommissions(w.t.db, { programId: w.program, customer: { id: 'cus_x', programId: w.program, externalId: 'cus_1' }, limit: 50, ...extra }));
    expect(plan).toEqual([
      'SEARCH commissions USING INDEX commissions_event_reward_uq (event_id=?)',
      'LIST SUBQUERY 1',
      'SEARCH events USING INDEX events_customer_idx (program_id=? AND customer_external_id=?)',
      'USE TEMP B-TREE FOR ORDER BY',
    ]);
  });

  it.each([
    ['email', { email: 'jane@partner.test' }],
    ['status', { status: 'suspended' as const }],
    ['email + status + cursor', { email: 'jane@partner.test', status: 'active' as const, cursor: CURSOR }],
    ['no filter', {}],
  ])('partners by %s: the program\'s partners in page order — no index on email or status', async (_name, extra) => {
    const plan = await one(() => listPartners(w.t.db, { programId: w.program, limit: 50, ...extra }));
    expect(plan).toHaveLength(1);
    expect(plan[0]).toMatch(/^SEARCH partners USING INDEX partners_program_created_idx \(program_id=\?( AND created_at<\?)?\)$/);
  });
});
