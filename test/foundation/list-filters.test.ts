import { beforeAll, describe, expect, it } from 'vitest';
import { makeApp, seedProgram, type TestApp } from '../helpers/app';
import { rawClient } from './support';

// The list filters added with strict query parameters: commissions by customerId, partners by email
// and status. Exact results on a small world; every bad value is a 422 naming the parameter.

let t: TestApp;
let P: string;
const partner: Record<string, string> = {};
const customer: Record<string, string> = {};
/** Ledger entry ids by what they are, e.g. `c1 partner`, `c1 customer`, `c1 refund partner`. */
const entry: Record<string, string> = {};

async function ok(method: string, path: string, body?: unknown, status = 200) {
  const r = await t.json(method, path, body);
  expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBe(status);
  return r.body;
}

const ids = (body: { data: { id: string }[] }) => body.data.map((x) => x.id);
/** Entries written by one request share createdAt: the list orders those by id, newest first. */
const byIdDesc = (...xs: (string | undefined)[]) => (xs as string[]).sort().reverse();

beforeAll(async () => {
  t = await makeApp();
  const { program, partner: jane } = await seedProgram(t, { holdDays: 0 });
  P = program.id;
  partner.jane = jane.id;
  t.advance(1_000);
  partner.bob = (await ok('POST', `/v1/programs/${P}/partners`, { name: 'Bob', email: '  Bob@Partner.TEST ' }, 201)).id;
  t.advance(1_000);
  partner.sue = (await ok('POST', `/v1/programs/${P}/partners`, { name: 'Sue', email: 'sue@partner.test' }, 201)).id;
  await ok('PATCH', `/v1/partners/${partner.sue}`, { status: 'suspended' });

  // Two-sided: the partner earns 500 and the customer a 300 credit on every sale.
  await ok('POST', `/v1/programs/${P}/rewards`, { event: 'sale', type: 'fixed', amount: 500 }, 201);
  await ok('POST', `/v1/programs/${P}/rewards`, { event: 'sale', recipient: 'customer', type: 'fixed', amount: 300 }, 201);
  const codeOf = async (id: string) => (await ok('GET', `/v1/partners/${id}`)).code as string;
  const sales: [string, string, string][] = [
    ['c1', partner.jane!, 'ord_1'],
    ['c2', partner.jane!, 'ord_2'],
    ['c3', partner.bob!, 'ord_3'],
  ];
  for (const [ext, p, order] of sales) {
    await ok('POST', '/v1/track/lead', { code: await codeOf(p), customer: { externalId: ext } });
    t.advance(1_000);
    const sale = await ok('POST', '/v1/track/sale', { programId: P, customerExternalId: ext, externalId: order, amount: 4000, currency: 'EUR' });
    for (const c of sale.commissions) entry[`${ext} ${c.recipient}`] = c.id;
    customer[ext] = sale.customer.id;
    t.advance(1_000);
  }
  // c1: a partial refund (reverses part of both entries), then its credit voided
  const refund = await ok('POST', '/v1/track/refund', { programId: P, saleExternalId: 'ord_1', externalId: 're_1', amount: 1000 });
  for (const c of refund.commissions) entry[`c1 refund ${c.recipient}`] = c.id;
  t.advance(1_000);
  entry['c1 void customer'] = (await ok('POST', `/v1/commissions/${entry['c1 customer']}/void`, { reason: 'test' }, 201)).entry.id;
  t.advance(1_000);
  // an adjustment carries no customer
  entry['jane adjustment'] = (await ok('POST', `/v1/partners/${partner.jane}/adjustments`, { amount: 100, unit: 'EUR', reason: 'bonus' }, 201)).id;
});

describe('GET /v1/programs/:id/commissions?customerId', () => {
  const list = (qs: string) => ok('GET', `/v1/programs/${P}/commissions?${qs}`);

  it('all the entries booked on that customer\'s events, newest first: commissions, credits, reversals, the void', async () => {
    expect(Object.keys(entry)).toHaveLength(10);
    const c1 = await list(`customerId=${customer.c1}`);
    expect(ids(c1)).toEqual([
      entry['c1 void customer'],
      ...byIdDesc(entry['c1 refund customer'], entry['c1 refund partner']),
      ...byIdDesc(entry['c1 customer'], entry['c1 partner']),
    ]);
    const facts = Object.fromEntries(c1.data.map((e: any) => [e.id, [e.kind, e.recipient, e.amount, e.status, e.customerId]]));
    expect(facts).toEqual({
      [entry['c1 void customer']!]: ['reversal', 'customer', -225, 'reversed', customer.c1],
      [entry['c1 refund customer']!]: ['reversal', 'customer', -75, 'reversed', customer.c1],
      [entry['c1 refund partner']!]: ['reversal', 'partner', -125, 'approved', customer.c1],
      [entry['c1 customer']!]: ['commission', 'customer', 300, 'reversed', customer.c1],
      [entry['c1 partner']!]: ['commission', 'partner', 500, 'approved', customer.c1],
    });
    expect(c1.nextCursor).toBeNull();
    expect(ids(await list(`customerId=${customer.c3}`))).toEqual(byIdDesc(entry['c3 customer'], entry['c3 partner']));
  });

  it('combines with partnerId and status', async () => {
    // a partial refund's reversal keeps its original's status; the void closed the credit and its
    // reversal. A customer's credits carry the referring partner as partnerId too.
    expect(ids(await list(`customerId=${customer.c1}&partnerId=${partner.jane}&status=approved`))).toEqual([entry['c1 refund partner'], entry['c1 partner']]);
    expect(ids(await list(`customerId=${customer.c1}&partnerId=${partner.jane}&status=reversed`))).toEqual([entry['c1 void customer'], entry['c1 refund customer'], entry['c1 customer']]);
    expect(ids(await list(`customerId=${customer.c1}&status=pending`))).toEqual([]);
    expect(ids(await list(`customerId=${customer.c2}&partnerId=${partner.jane}`))).toEqual(byIdDesc(entry['c2 customer'], entry['c2 partner']));
    expect(ids(await list(`customerId=${customer.c3}&partnerId=${partner.jane}`))).toEqual([]);
  });

  it('pages with the cursor like the unfiltered list', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const body: any = await list(`customerId=${customer.c1}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(body.data.length).toBeLessThanOrEqual(2);
      seen.push(...ids(body));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids(await list(`customerId=${customer.c1}`)));
  });

  it('an unknown customer or another program\'s is a 404; an empty value is a 422', async () => {
    const other = await seedProgram(t, { name: 'Other' });
    await ok('POST', '/v1/track/lead', { code: other.partner.code, customer: { externalId: 'c1' } });
    const foreign = (await ok('GET', `/v1/programs/${other.program.id}/customers?externalId=c1`)).data[0].id;
    for (const id of [foreign, 'cus_nobody']) {
      const r = await t.json('GET', `/v1/programs/${P}/commissions?customerId=${id}`);
      expect([r.status, r.body.error.code, r.body.error.message]).toEqual([404, 'not_found', 'Customer not found']);
    }
    for (const name of ['customerId', 'partnerId']) {
      const r = await t.json('GET', `/v1/programs/${P}/commissions?${name}=`);
      expect([r.status, r.body.error.code, r.body.error.field], name).toEqual([422, 'validation_failed', name]);
    }
  });
});

describe('GET /v1/programs/:id/partners?email&status', () => {
  const list = (qs: string) => ok('GET', `/v1/programs/${P}/partners?${qs}`);

  it('email: exact, in any case, surrounding spaces ignored', async () => {
    expect(ids(await list('email=bob@partner.test'))).toEqual([partner.bob]);
    expect(ids(await list(`email=${encodeURIComponent('  BOB@Partner.Test ')}`))).toEqual([partner.bob]);
    expect(ids(await list('email=jane@partner.test'))).toEqual([partner.jane]);
    // exact: no prefix, no LIKE wildcards
    for (const e of ['bob@partner', 'b_b@partner.test', '%@partner.test', 'nobody@partner.test']) expect(ids(await list(`email=${encodeURIComponent(e)}`)), e).toEqual([]);
  });

  it('email: a row stored before emails were normalised is found the same way', async () => {
    const now = t.now.getTime();
    await rawClient(t).execute({
      sql: `insert into partners (id, program_id, name, email, external_id, code, status, token_generation, created_at, updated_at) values ('ptn_legacy', ?, 'Legacy', ' Legacy@Partner.Test ', null, 'legacy01', 'active', 0, ?, ?)`,
      args: [P, now, now],
    });
    expect(ids(await list('email=legacy@partner.test'))).toEqual(['ptn_legacy']);
    await rawClient(t).execute(`delete from partners where id = 'ptn_legacy'`);
  });

  it('status: active or suspended, newest first; with email both must match', async () => {
    expect(ids(await list('status=suspended'))).toEqual([partner.sue]);
    expect(ids(await list('status=active'))).toEqual([partner.bob, partner.jane]);
    expect(ids(await list(''))).toEqual([partner.sue, partner.bob, partner.jane]);
    expect(ids(await list('status=active&email=sue@partner.test'))).toEqual([]);
    expect(ids(await list('status=suspended&email=SUE@partner.test'))).toEqual([partner.sue]);
    const first = await list('status=active&limit=1');
    expect(ids(first)).toEqual([partner.bob]);
    expect(ids(await list(`status=active&limit=1&cursor=${first.nextCursor}`))).toEqual([partner.jane]);
  });

  it('bad values are 422 naming the parameter', async () => {
    for (const [qs, field] of [
      ['status=paused', 'status'],
      ['status=Active', 'status'],
      ['status=', 'status'],
      ['email=', 'email'],
      [`email=${encodeURIComponent('   ')}`, 'email'],
      [`email=${'a'.repeat(321)}`, 'email'],
    ]) {
      const r = await t.json('GET', `/v1/programs/${P}/partners?${qs}`);
      expect([r.status, r.body.error.code, r.body.error.field], qs).toEqual([422, 'validation_failed', field]);
    }
  });
});
