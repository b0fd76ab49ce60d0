import { beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app';
import { captureStatements, clientOf } from '../reliability/support';
import { listCustomers, listPartnerCustomers, findProgramCustomer, readCustomerDetail } from '../../src/db/queries/customers';

/**
 * EXPLAIN QUERY PLAN of the customers API's reads, captured from the real query functions (as
 * test/reliability/query-plans.test.ts does for the hot paths). Plans are read on an empty database
 * with the same migrations; without ANALYZE statistics SQLite plans from the schema alone.
 */

let t: TestApp;
let planner: TestApp;
async function plansOf(fn: () => Promise<unknown>, on?: TestApp): Promise<string[][]> {
  const qs = (await captureStatements(t, fn)).filter((q) => !/^\s*(begin|commit|rollback|pragma)\b/i.test(q.sql));
  expect(qs.length).toBeGreaterThan(0);
  return Promise.all(qs.map(async (q) => (await clientOf(on ?? planner).execute({ sql: `EXPLAIN QUERY PLAN ${q.sql}`, args: q.args })).rows.map((r) => String(r.detail))));
}

const CURSOR = 'MTc3MjM2NjQwMDAwMDpjdXNfeg'; // 1772366400000:cus_z
const P = 'prg_x';
const customer = { id: 'cus_x', programId: P, externalId: 'u_1' };

beforeAll(async () => {
  t = await makeApp();
  planner = await makeApp();
});

const NO_SCAN = (plan: string[]) => plan.filter((l) => /^SCAN /.test(l));

describe('customers API query plans', () => {
  it('a customer by id: the primary key, its partner by id', async () => {
    expect(await plansOf(() => findProgramCustomer(t.db, P, 'cus_x'))).toEqual([
      ['SEARCH customers USING INDEX sqlite_autoindex_customers_1 (id=?)', 'SEARCH partners USING INDEX sqlite_autoindex_partners_1 (id=?) LEFT-JOIN'],
    ]);
  });

  it('the detail batch: touches by customer, events by (program, external id), credits by event id — never the program-wide ledger', async () => {
    const [touches, events, credits, sums, ...more] = await plansOf(() => readCustomerDetail(t.db, customer));
    expect(more).toEqual([]);
    expect(touches![0]).toBe('SEARCH attribution_history USING INDEX attribution_history_customer_at_uq (customer_id=?)');
    expect(events![0]).toBe('SEARCH events USING INDEX events_customer_idx (program_id=? AND customer_external_id=?)');
    for (const plan of [credits!, sums!]) {
      expect(plan.slice(0, 3)).toEqual([
        'SEARCH commissions USING INDEX commissions_event_reward_uq (event_id=?)',
        'LIST SUBQUERY 1',
        'SEARCH events USING INDEX events_customer_idx (program_id=? AND customer_external_id=?)',
      ]);
    }
    // Sorting and grouping are of one customer's rows only (each plan starts from its index search).
    for (const plan of [touches!, events!, credits!, sums!]) expect(NO_SCAN(plan), plan.join(' / ')).toEqual([]);
  });

  it('filter externalId: one probe of the (program_id, external_id) unique index', async () => {
    const [plan] = await plansOf(() => listCustomers(t.db, { programId: P, externalId: 'u_1', limit: 50 }));
    expect(plan![0]).toBe('SEARCH customers USING INDEX customers_program_external_uq (program_id=? AND external_id=?)');
    expect(plan!.filter((l) => /TEMP B-TREE|^SCAN /.test(l))).toEqual([]);
  });

  it.each([
    ['filter partnerId (admin list)', () => listCustomers(t.db, { programId: P, partnerId: 'ptn_x', limit: 50, cursor: CURSOR })],
    ['GET /v1/me/customers', () => listPartnerCustomers(t.db, { programId: P, partnerId: 'ptn_x', limit: 50, cursor: CURSOR })],
  ])('%s: customers_partner_idx in (partner_id, created_at) order; only ties on created_at are sorted by id', async (_name, run) => {
    const [plan] = await plansOf(run);
    expect(plan![0]).toBe('SEARCH customers USING INDEX customers_partner_idx (partner_id=?)');
    expect(plan!.filter((l) => /TEMP B-TREE/.test(l))).toEqual(['USE TEMP B-TREE FOR RIGHT PART OF ORDER BY']);
    expect(NO_SCAN(plan!)).toEqual([]);
  });

  it('no filter: customers_program_created_idx (migration 0016) in page order — no sort, no scan', async () => {
    for (const cursor of [undefined, CURSOR]) {
      const [plan] = await plansOf(() => listCustomers(t.db, { programId: P, limit: 50, cursor }));
      expect(plan![0]).toMatch(/^SEARCH customers USING INDEX customers_program_created_idx \(program_id=\?/);
      expect(plan!.filter((l) => /TEMP B-TREE|^SCAN /.test(l)), plan!.join(' / ')).toEqual([]);
    }
  });

  it('filter email: customers_email_idx on lower(email) (migration 0016); only that email\'s rows are checked and sorted', async () => {
    const [plan] = await plansOf(() => listCustomers(t.db, { programId: P, email: 'Bob@Example.org', limit: 50 }));
    expect(plan![0]).toBe('SEARCH customers USING INDEX customers_email_idx (<expr>=?)');
    expect(NO_SCAN(plan!)).toEqual([]);
  });
});
