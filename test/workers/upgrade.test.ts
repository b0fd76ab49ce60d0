import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { CHROME_WINDOWS, json, settled } from './helpers';

const rows = async (sql: string) => (await env.DB.prepare(sql).all<Record<string, unknown>>()).results;

/**
 * Puts the test's D1 back where migrations 0000-0007 left it, as the code of that time wrote it: no
 * event_names table or triggers (0009) and lead/custom dedupe keys joined with raw ':' (0008). The
 * pool's per-test storage isolation undoes this after the test.
 */
async function downgradeTo0007() {
  await env.DB.batch([
    env.DB.prepare('DROP TRIGGER events_one_kind_per_name'),
    env.DB.prepare('DROP TRIGGER events_record_name_kind'),
    env.DB.prepare('DROP TABLE event_names'),
    env.DB.prepare('DROP INDEX idempotency_keys_created_at_idx'), // 0010
    env.DB.prepare('DROP TABLE revoked_partner_tokens'), // 0011
    env.DB.prepare('DROP INDEX customers_program_created_idx'), // 0016
    env.DB.prepare('DROP INDEX customers_email_idx'), // 0016
    env.DB.prepare('DROP INDEX commissions_payout_created_idx'), // 0012, and the index it replaced (0006)
    env.DB.prepare('CREATE INDEX commissions_payout_idx ON commissions (payout_id) WHERE payout_id IS NOT NULL'),
    env.DB.prepare(
      `DELETE FROM d1_migrations WHERE name IN ('0008_unambiguous_dedupe_keys.sql', '0009_event_names.sql', '0010_idempotency_keys_created_at.sql', '0011_revoked_partner_tokens.sql', '0012_payout_created_index.sql', '0013_revoked_token_id_index.sql', '0014_attribution_history.sql', '0015_program_cookie_domain.sql', '0016_customers_list_indexes.sql', '0017_payout_cancel.sql', '0018_webhooks.sql', '0019_partner_payout_details.sql')`,
    ),
  ]);
}
const unescapeKeys = () => env.DB.prepare(`update events set dedupe_key = replace(replace(dedupe_key, '%3A', ':'), '%25', '%') where type in ('lead', 'custom')`).run();

describe('upgrading an existing D1 database (0000-0007 with data, then 0008-0009 as applyD1Migrations / wrangler apply them)', () => {
  it('keeps every click, event and commission; old conversions replay as themselves; the one-kind trigger fires', async () => {
    await downgradeTo0007();
    expect((await rows('select name from d1_migrations order by id')).length).toBe(8);
    const program = (await json('POST', '/v1/programs', { name: 'Acme', currency: 'EUR', defaultUrl: 'https://acme.test/', allowedHosts: ['acme.test'], holdDays: 0 })).body;
    const partner = (await json('POST', `/v1/programs/${program.id}/partners`, { name: 'Jane', email: 'jane@partner.test' })).body;
    for (const rule of [
      { event: 'signup', type: 'fixed', amount: 500 },
      { event: 'step:two', type: 'fixed', amount: 300 },
      { event: 'demo', type: 'fixed', amount: 200 },
      { event: 'sale', type: 'percent', amount: 1000 },
    ]) {
      const r = await json('POST', `/v1/programs/${program.id}/rewards`, rule);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const visit = await settled('GET', `/${partner.code}`, { 'user-agent': CHROME_WINDOWS, 'cf-connecting-ip': '203.0.113.9' });
    expect(visit.status).toBe(302);
    const clickId = new URL(visit.headers.get('location')!).searchParams.get('rcid')!;

    const leadA = await json('POST', '/v1/track/lead', { clickId, customer: { externalId: 'cus:1' }, eventName: 'signup' });
    expect(leadA.status, JSON.stringify(leadA.body)).toBe(200);
    const step = await json('POST', '/v1/track/event', { programId: program.id, customerExternalId: 'cus:1', eventName: 'step:two' });
    expect(step.status, JSON.stringify(step.body)).toBe(200);
    const saleR = await json('POST', '/v1/track/sale', { programId: program.id, customerExternalId: 'cus:1', externalId: 'order:1', amount: 10000, currency: 'EUR' });
    expect(saleR.status, JSON.stringify(saleR.body)).toBe(200);
    // Before 0009 a name could be used through several routes: 'demo' as a custom event, then as a lead.
    const demoEvent = await json('POST', '/v1/track/event', { programId: program.id, customerExternalId: 'cus:1', eventName: 'demo' });
    expect(demoEvent.status, JSON.stringify(demoEvent.body)).toBe(200);
    const demoLead = await json('POST', '/v1/track/lead', { programId: program.id, customer: { externalId: 'cus:1' }, eventName: 'demo' });
    expect(demoLead.status, JSON.stringify(demoLead.body)).toBe(200);
    await unescapeKeys();
    expect((await rows('select dedupe_key from events order by dedupe_key')).map((r) => r.dedupe_key)).toEqual([
      'event:demo:customer:cus:1',
      'event:step:two:customer:cus:1',
      'lead:cus:1:demo',
      'lead:cus:1:signup',
      'sale:order:1',
    ]);

    // A payout built before the upgrade (claimed through the old (payout_id) index); 0012 re-indexes it.
    const built = await json('POST', `/v1/programs/${program.id}/payouts`, {});
    expect(built.status, JSON.stringify(built.body)).toBe(201);
    const [payout] = built.body.data;
    expect([payout.amount, payout.entryCount]).toEqual([2200, 5]);

    // The conversions above were written while this code's 0014 table existed; before 0014 there was none.
    await env.DB.prepare('DROP TABLE attribution_history').run();
    // Likewise 0015's column (this code reads programs with it).
    await env.DB.prepare('ALTER TABLE programs DROP COLUMN cookie_domain').run();
    // And 0017's payout columns (the build above wrote them).
    await env.DB.batch([env.DB.prepare('ALTER TABLE payouts DROP COLUMN canceled_at'), env.DB.prepare('ALTER TABLE payouts DROP COLUMN cancel_reason')]);
    // And 0018's webhook tables (the conversions above queued nothing: no endpoint was set up).
    expect(await rows('select count(*) as n from webhook_deliveries')).toEqual([{ n: 0 }]);
    await env.DB.batch([env.DB.prepare('DROP TABLE webhook_deliveries'), env.DB.prepare('DROP TABLE webhook_endpoints')]);
    // And 0019's partner columns (the partner above was written with them).
    await env.DB.batch(['payout_method', 'payout_details', 'payout_details_updated_at'].map((c) => env.DB.prepare(`ALTER TABLE partners DROP COLUMN ${c}`)));
    await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
    expect((await rows('select name from d1_migrations order by id')).length).toBe(20);
    expect(await rows('select (select count(*) from webhook_endpoints) + (select count(*) from webhook_deliveries) as n')).toEqual([{ n: 0 }]);
    // 0019: existing partners have no payout details until they (or an admin) set them.
    expect(await rows('select payout_method, payout_details, payout_details_updated_at from partners')).toEqual([{ payout_method: null, payout_details: null, payout_details_updated_at: null }]);
    expect(await rows('select status, canceled_at, cancel_reason from payouts')).toEqual([{ status: 'pending', canceled_at: null, cancel_reason: null }]);
    expect(await rows('select cookie_domain from programs')).toEqual([{ cookie_domain: null }]);
    // 0014 starts each attributed customer's history with its current touch: cus:1, the click's.
    expect(await rows('select h.partner_id, h.link_id, h.click_id, h.at = c.attributed_at as same_at from attribution_history h join customers c on c.id = h.customer_id')).toEqual([
      { partner_id: partner.id, link_id: partner.defaultLink.id, click_id: clickId, same_at: 1 },
    ]);
    expect((await rows(`select name from sqlite_master where type = 'index' and tbl_name = 'commissions' and name like 'commissions_payout%'`)).map((r) => r.name)).toEqual([
      'commissions_payout_created_idx',
    ]);
    // The old payout's statement reads through the new index on D1: every entry once, newest first, over pages of 2.
    const pages: any[] = [];
    for (let cursor = ''; pages.length < 10; ) {
      const r = await json('GET', `/v1/payouts/${payout.id}?limit=2${cursor}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      pages.push(r.body);
      if (!r.body.nextCursor) break;
      cursor = `&cursor=${r.body.nextCursor}`;
    }
    const entries = pages.flatMap((p) => p.entries);
    expect(pages.map((p) => p.entries.length)).toEqual([2, 2, 1]);
    expect(entries.map((e: any) => e.amount).sort((a: number, b: number) => a - b)).toEqual([200, 200, 300, 500, 1000]);
    expect(new Set(entries.map((e: any) => e.id)).size).toBe(5);
    expect(pages[0].period).toEqual({ from: entries[4].createdAt, to: entries[0].createdAt });
    // The payout built before 0017 can be canceled on D1: its five entries are approved and unclaimed again.
    const canceled = await json('POST', `/v1/payouts/${payout.id}/cancel`, { reason: 'after the upgrade' });
    expect(canceled.status, JSON.stringify(canceled.body)).toBe(200);
    expect(canceled.body).toMatchObject({ status: 'canceled', amount: 2200, entryCount: 5, cancelReason: 'after the upgrade' });
    expect(await rows(`select status, count(*) as n from commissions where payout_id is null group by status`)).toEqual([{ status: 'approved', n: 5 }]);
    expect((await rows('select dedupe_key from events order by dedupe_key')).map((r) => r.dedupe_key)).toEqual([
      'event:demo:customer:cus%3A1',
      'event:step%3Atwo:customer:cus%3A1',
      'lead:cus%3A1:demo',
      'lead:cus%3A1:signup',
      'sale:order:1',
    ]);
    expect(await rows('select name, type from event_names order by name')).toEqual([
      { name: 'demo', type: 'custom' },
      { name: 'sale', type: 'sale' },
      { name: 'signup', type: 'lead' },
      { name: 'step:two', type: 'custom' },
    ]);
    expect((await rows(`select name from sqlite_master where type = 'trigger' order by name`)).map((r) => r.name)).toEqual(['events_one_kind_per_name', 'events_record_name_kind']);
    expect((await rows('select count(*) as n from clicks'))[0]!.n).toBe(1);

    // Old conversions replay as themselves: same event, nothing new booked.
    const replayLead = await json('POST', '/v1/track/lead', { clickId, customer: { externalId: 'cus:1' }, eventName: 'signup' });
    expect(replayLead.status, JSON.stringify(replayLead.body)).toBe(200);
    expect(replayLead.body.event.id).toBe(leadA.body.event.id);
    const replayStep = await json('POST', '/v1/track/event', { programId: program.id, customerExternalId: 'cus:1', eventName: 'step:two' });
    expect(replayStep.body.event.id).toBe(step.body.event.id);
    const replayDemoLead = await json('POST', '/v1/track/lead', { programId: program.id, customer: { externalId: 'cus:1' }, eventName: 'demo' });
    expect(replayDemoLead.body.event.id).toBe(demoLead.body.event.id);

    // New conversions: the triggers created by the upgrade fire on D1 (refused whole, and a new name is recorded).
    const demoAsLead = await json('POST', '/v1/track/lead', { programId: program.id, customer: { externalId: 'cus:2' }, eventName: 'demo' });
    expect(demoAsLead.status).toBe(422);
    expect(demoAsLead.body.error).toMatchObject({ code: 'validation_failed', reason: 'event_kind_mismatch', field: 'eventName' });
    const newStep = await json('POST', '/v1/track/event', { programId: program.id, customerExternalId: 'cus:2', eventName: 'trial' });
    expect(newStep.status, JSON.stringify(newStep.body)).toBe(200);
    expect(await rows(`select name, type from event_names where name = 'trial'`)).toEqual([{ name: 'trial', type: 'custom' }]);
    const sale2 = await json('POST', '/v1/track/sale', { programId: program.id, customerExternalId: 'cus:1', externalId: 'order:2', amount: 5000, currency: 'EUR' });
    expect(sale2.status, JSON.stringify(sale2.body)).toBe(200);

    expect((await rows(`select count(*) as n from events where program_id = '${program.id}'`))[0]!.n).toBe(7);
    const ledger = (await rows(`select amount from commissions where program_id = '${program.id}' order by amount`)).map((r) => r.amount);
    // Both 'demo' conversions of before 0009 stay booked (200 each); nothing was added or lost.
    expect(ledger).toEqual([200, 200, 300, 500, 500, 1000]);
    const bal = await json('GET', `/v1/partners/${partner.id}/balance`);
    expect(bal.body.balances).toEqual([{ unit: 'EUR', pending: 0, approved: 2700, paid: 0, formatted: { pending: '0.00', approved: '27.00', paid: '0.00' } }]);
  });
});
