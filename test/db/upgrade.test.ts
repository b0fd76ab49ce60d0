import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeRuntime } from '../../src/node-runtime';

const ADMIN_KEY = 'test-admin-key-0123456789abcdefghij';
const T0 = new Date('2026-03-01T12:00:00.000Z');

/** The app on a database FILE (so it can be closed and opened again, as a restart after an upgrade does). */
async function open(file: string) {
  const now = T0;
  const rt = await createNodeRuntime({
    databaseUrl: file,
    clickWriter: 'inline',
    env: { ADMIN_API_KEY: ADMIN_KEY, VISITOR_SALT: 'test-salt', PUBLIC_URL: 'https://ref.test', RATE_LIMIT_PER_SECOND: '0', TRUST_PROXY: '1' },
    clock: () => now,
  });
  const json = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await rt.app.request(path, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, res };
  };
  const sql = async (text: string) => (await rt.db.$client.execute(text)).rows.map((r) => ({ ...r }));
  const close = async () => {
    await rt.close();
    rt.db.$client.close();
  };
  return { ...rt, json, sql, close };
}

/**
 * Turns a current database back into what migrations 0000-0007 left, as the code of that time wrote
 * it: no event_names table or triggers (0009), and dedupe keys joined with raw ':' and '%' (0008).
 */
async function downgradeTo0007(t: Awaited<ReturnType<typeof open>>) {
  await t.sql('DROP TRIGGER events_one_kind_per_name');
  await t.sql('DROP TRIGGER events_record_name_kind');
  await t.sql('DROP TABLE event_names');
  await t.sql('DROP INDEX idempotency_keys_created_at_idx'); // 0010
  await t.sql('DROP TABLE revoked_partner_tokens'); // 0011 (and 0013's index on it)
  await t.sql('DROP TABLE attribution_history'); // 0014 (the upgrade backfills it from customers)
  await t.sql('DROP INDEX customers_program_created_idx'); // 0016
  await t.sql('DROP INDEX customers_email_idx'); // 0016
  await t.sql('DROP INDEX commissions_payout_created_idx'); // 0012, and the index it replaced (0006)
  await t.sql('CREATE INDEX commissions_payout_idx ON commissions (payout_id) WHERE payout_id IS NOT NULL');
  const applied = await t.sql('select id from __drizzle_migrations order by created_at');
  expect(applied.length).toBe(20);
  await t.sql('delete from __drizzle_migrations where created_at > (select created_at from __drizzle_migrations order by created_at limit 1 offset 7)');
  await t.sql(`update events set dedupe_key = replace(replace(dedupe_key, '%3A', ':'), '%25', '%') where type in ('lead', 'custom')`);
}

let dir: string | null = null;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

describe('upgrading an existing libSQL database file (0000-0007 with data, then 0008-0009 at start-up)', () => {
  it('keeps every click, event and commission; old conversions replay as themselves; names get one kind from then on', async () => {
    dir = mkdtempSync(join(tmpdir(), 'reflink-upgrade-'));
    const file = join(dir, 'reflink.db');
    const t = await open(file);
    const program = (await t.json('POST', '/v1/programs', { name: 'Acme', currency: 'EUR', defaultUrl: 'https://acme.test/', allowedHosts: ['acme.test'], holdDays: 0 })).body;
    const partner = (await t.json('POST', `/v1/programs/${program.id}/partners`, { name: 'Jane', email: 'jane@partner.test' })).body;
    for (const rule of [
      { event: 'signup', type: 'fixed', amount: 500 },
      { event: 'step:two', type: 'fixed', amount: 300 },
      { event: 'demo', type: 'fixed', amount: 200 },
      { event: 'sale', type: 'percent', amount: 1000 },
    ]) {
      const r = await t.json('POST', `/v1/programs/${program.id}/rewards`, rule);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const visit = await t.app.request(`/${partner.code}`, { headers: { 'x-forwarded-for': '198.51.100.7', 'user-agent': 'Mozilla/5.0 (Macintosh) Chrome/126.0' } });
    expect(visit.status).toBe(302);
    const clickId = new URL(visit.headers.get('location')!).searchParams.get('rcid')!;
    await t.clickSink.flush();

    const leadA = await t.json('POST', '/v1/track/lead', { clickId, customer: { externalId: 'cus:1' }, eventName: 'signup' });
    expect(leadA.status, JSON.stringify(leadA.body)).toBe(200);
    const step = await t.json('POST', '/v1/track/event', { programId: program.id, customerExternalId: 'cus:1', eventName: 'step:two' });
    expect(step.status, JSON.stringify(step.body)).toBe(200);
    const saleR = await t.json('POST', '/v1/track/sale', { programId: program.id, customerExternalId: 'cus:1', externalId: 'order:1', amount: 10000, currency: 'EUR' });
    expect(saleR.status, JSON.stringify(saleR.body)).toBe(200);
    await downgradeTo0007(t);
    // Before 0009 a name could be used through several routes: 'demo' as a custom event, then as a lead.
    const demoEvent = await t.json('POST', '/v1/track/event', { programId: program.id, customerExternalId: 'cus:1', eventName: 'demo' });
    expect(demoEvent.status, JSON.stringify(demoEvent.body)).toBe(200);
    const demoLead = await t.json('POST', '/v1/track/lead', { programId: program.id, customer: { externalId: 'cus:1' }, eventName: 'demo' });
    expect(demoLead.status, JSON.stringify(demoLead.body)).toBe(200);
    await t.sql(`update events set dedupe_key = replace(replace(dedupe_key, '%3A', ':'), '%25', '%') where type in ('lead', 'custom')`);
    const keysBefore = (await t.sql('select dedupe_key from events order by dedupe_key')).map((r) => r.dedupe_key);
    expect(keysBefore).toEqual(['event:demo:customer:cus:1', 'event:step:two:customer:cus:1', 'lead:cus:1:demo', 'lead:cus:1:signup', 'sale:order:1']);
    // A payout built before the upgrade (claimed through the old (payout_id) index); 0012 re-indexes it.
    const built = await t.json('POST', `/v1/programs/${program.id}/payouts`, {});
    expect(built.status, JSON.stringify(built.body)).toBe(201);
    const [payout] = built.body.data;
    expect([payout.amount, payout.entryCount]).toEqual([2200, 5]);
    // 0015 (the code above reads programs with it; the upgrade adds it back, null)
    await t.sql('ALTER TABLE programs DROP COLUMN cookie_domain');
    // 0017 likewise (the build above wrote payouts with its columns; the upgrade adds them back, null)
    await t.sql('ALTER TABLE payouts DROP COLUMN canceled_at');
    await t.sql('ALTER TABLE payouts DROP COLUMN cancel_reason');
    // 0018 likewise (the conversions above queued no webhook: none was set up)
    expect(await t.sql('select count(*) as n from webhook_deliveries')).toEqual([{ n: 0 }]);
    await t.sql('DROP TABLE webhook_deliveries');
    await t.sql('DROP TABLE webhook_endpoints');
    // 0019 likewise (the partner was written with its payout-detail columns; the upgrade adds them back, null)
    await t.sql('ALTER TABLE partners DROP COLUMN payout_method');
    await t.sql('ALTER TABLE partners DROP COLUMN payout_details');
    await t.sql('ALTER TABLE partners DROP COLUMN payout_details_updated_at');
    await t.close();

    // Restart on the new code: 0008 and 0009 run at start-up.
    const u = await open(file);
    expect((await u.sql('select count(*) as n from __drizzle_migrations'))[0]!.n).toBe(20);
    // 0018: the webhook tables are back, empty.
    expect(await u.sql('select (select count(*) from webhook_endpoints) + (select count(*) from webhook_deliveries) as n')).toEqual([{ n: 0 }]);
    // 0019: existing partners have no payout details until they (or an admin) set them.
    expect(await u.sql('select payout_method, payout_details, payout_details_updated_at from partners')).toEqual([{ payout_method: null, payout_details: null, payout_details_updated_at: null }]);
    expect(await u.json('GET', `/v1/partners/${partner.id}`).then((r) => [r.status, r.body.payoutMethod, r.body.payoutDetails, r.body.payoutDetailsUpdatedAt])).toEqual([200, null, null, null]);
    // 0017: the payout built before it is pending, never canceled.
    expect(await u.sql('select status, canceled_at, cancel_reason from payouts')).toEqual([{ status: 'pending', canceled_at: null, cancel_reason: null }]);
    // 0016: the customers API's two indexes are back.
    expect((await u.sql(`select name from sqlite_master where type = 'index' and name in ('customers_email_idx', 'customers_program_created_idx') order by name`)).map((r) => r.name)).toEqual(['customers_email_idx', 'customers_program_created_idx']);
    // 0015: existing programs keep a host-only rcid cookie.
    expect(await u.sql('select cookie_domain from programs')).toEqual([{ cookie_domain: null }]);
    // 0014 starts each attributed customer's history with its current touch: cus:1, the click's.
    expect(await u.sql('select h.partner_id, h.link_id, h.click_id, h.at = c.attributed_at as same_at from attribution_history h join customers c on c.id = h.customer_id')).toEqual([
      { partner_id: partner.id, link_id: partner.defaultLink.id, click_id: clickId, same_at: 1 },
    ]);
    expect((await u.sql(`select name from sqlite_master where type = 'index' and tbl_name = 'commissions' and name like 'commissions_payout%'`)).map((r) => r.name)).toEqual([
      'commissions_payout_created_idx',
    ]);
    // The old payout's statement reads through the new index: every entry once, newest first, over pages of 2.
    const pages: any[] = [];
    for (let cursor = ''; pages.length < 10; ) {
      const r = await u.json('GET', `/v1/payouts/${payout.id}?limit=2${cursor}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      pages.push(r.body);
      if (!r.body.nextCursor) break;
      cursor = `&cursor=${r.body.nextCursor}`;
    }
    const entries = pages.flatMap((p) => p.entries);
    expect(pages.map((p) => p.entries.length)).toEqual([2, 2, 1]);
    expect(entries.map((e: any) => e.amount).sort((a: number, b: number) => a - b)).toEqual([200, 200, 300, 500, 1000]);
    expect(new Set(entries.map((e: any) => e.id)).size).toBe(5);
    expect(entries.every((e: any) => e.payoutId === payout.id)).toBe(true);
    expect(pages[0].period).toEqual({ from: entries[4].createdAt, to: entries[0].createdAt });
    // ...and can be canceled after the upgrade: its five entries are approved and unclaimed again.
    const canceled = await u.json('POST', `/v1/payouts/${payout.id}/cancel`, { reason: 'after the upgrade' });
    expect(canceled.status, JSON.stringify(canceled.body)).toBe(200);
    expect(canceled.body).toMatchObject({ status: 'canceled', amount: 2200, entryCount: 5, cancelReason: 'after the upgrade' });
    expect(await u.sql(`select status, count(*) as n from commissions where payout_id is null group by status`)).toEqual([{ status: 'approved', n: 5 }]);
    expect((await u.sql('select dedupe_key from events order by dedupe_key')).map((r) => r.dedupe_key)).toEqual([
      'event:demo:customer:cus%3A1',
      'event:step%3Atwo:customer:cus%3A1',
      'lead:cus%3A1:demo',
      'lead:cus%3A1:signup',
      'sale:order:1',
    ]);
    expect(await u.sql('select name, type from event_names order by name')).toEqual([
      { name: 'demo', type: 'custom' },
      { name: 'sale', type: 'sale' },
      { name: 'signup', type: 'lead' },
      { name: 'step:two', type: 'custom' },
    ]);
    expect((await u.sql('select count(*) as n from clicks'))[0]!.n).toBe(1);

    // Old conversions replay as themselves: same event, nothing new booked.
    const replayLead = await u.json('POST', '/v1/track/lead', { clickId, customer: { externalId: 'cus:1' }, eventName: 'signup' });
    expect(replayLead.status, JSON.stringify(replayLead.body)).toBe(200);
    expect(replayLead.body.event.id).toBe(leadA.body.event.id);
    const replayStep = await u.json('POST', '/v1/track/event', { programId: program.id, customerExternalId: 'cus:1', eventName: 'step:two' });
    expect(replayStep.status, JSON.stringify(replayStep.body)).toBe(200);
    expect(replayStep.body.event.id).toBe(step.body.event.id);
    const replayDemoLead = await u.json('POST', '/v1/track/lead', { programId: program.id, customer: { externalId: 'cus:1' }, eventName: 'demo' });
    expect(replayDemoLead.status, JSON.stringify(replayDemoLead.body)).toBe(200);
    expect(replayDemoLead.body.event.id).toBe(demoLead.body.event.id);

    // New conversions: a different customer's step is its own event; a second kind for 'demo' is refused.
    const newStep = await u.json('POST', '/v1/track/event', { programId: program.id, customerExternalId: 'cus:2', eventName: 'step:two' });
    expect(newStep.status, JSON.stringify(newStep.body)).toBe(200);
    expect(newStep.body.event.id).not.toBe(step.body.event.id);
    const demoAsLead = await u.json('POST', '/v1/track/lead', { programId: program.id, customer: { externalId: 'cus:2' }, eventName: 'demo' });
    expect(demoAsLead.status).toBe(422);
    expect(demoAsLead.body.error).toMatchObject({ code: 'validation_failed', reason: 'event_kind_mismatch', field: 'eventName' });
    const sale2 = await u.json('POST', '/v1/track/sale', { programId: program.id, customerExternalId: 'cus:1', externalId: 'order:2', amount: 5000, currency: 'EUR' });
    expect(sale2.status, JSON.stringify(sale2.body)).toBe(200);

    const ledger = (await u.json('GET', `/v1/programs/${program.id}/commissions?limit=200`)).body.data.map((c: any) => c.amount).sort((a: number, b: number) => a - b);
    // Both 'demo' conversions of before 0009 stay booked (200 each); nothing was added or lost.
    expect(ledger).toEqual([200, 200, 300, 500, 500, 1000]);
    const bal = await u.json('GET', `/v1/partners/${partner.id}/balance`);
    expect(bal.status, JSON.stringify(bal.body)).toBe(200);
    expect(bal.body.balances).toEqual([{ unit: 'EUR', pending: 0, approved: 2700, paid: 0, formatted: { pending: '0.00', approved: '27.00', paid: '0.00' } }]);
    await u.close();
  });
});
