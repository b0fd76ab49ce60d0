import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node-client';
import { addReward, balance, commissions, customEvent, events, leadByCode, sale, setup } from './support';

const MISMATCH = {
  code: 'validation_failed',
  message: 'eventName: this name is already recorded through another tracking route in this program (a name is a lead, a sale or a custom event, not two of them)',
  reason: 'event_kind_mismatch',
  field: 'eventName',
};

describe('a conversion name has one kind per program', () => {
  it('a funnel step recorded as a custom event cannot be paid again as a lead, nor a lead name as a sale', async () => {
    const { t, program, partner } = await setup({ holdDays: 0 });
    await addReward(t, program.id, { event: 'demo_requested', type: 'fixed', amount: 1000 });
    await addReward(t, program.id, { event: 'signup', type: 'fixed', amount: 5000 });
    await leadByCode(t, partner.code, 'cus_1', { eventName: 'signup' });
    expect((await customEvent(t, program.id, 'cus_1', 'demo_requested')).commissions.map((c: any) => c.amount)).toEqual([1000]);

    const asLead = await t.json('POST', '/v1/track/lead', { programId: program.id, customer: { externalId: 'cus_1' }, eventName: 'demo_requested' });
    expect(asLead.status).toBe(422);
    expect(asLead.body.error).toMatchObject(MISMATCH);
    const asSale = await t.json('POST', '/v1/track/sale', { programId: program.id, customerExternalId: 'cus_1', externalId: 'o1', amount: 1000, currency: 'EUR', eventName: 'signup' });
    expect(asSale.status).toBe(422);
    expect(asSale.body.error).toMatchObject(MISMATCH);
    const asEvent = await t.json('POST', '/v1/track/event', { programId: program.id, customerExternalId: 'cus_1', eventName: 'signup' });
    expect(asEvent.status).toBe(422);

    // Nothing of the refused calls was written; the ledger holds 5000 + 1000.
    expect((await events(t, program.id)).map((e) => [e.type, e.name]).sort()).toEqual([['custom', 'demo_requested'], ['lead', 'signup']]);
    expect((await commissions(t, program.id)).map((c: any) => c.amount).sort()).toEqual([1000, 5000]);
    expect(await balance(t, partner.id)).toEqual({ pending: 0, approved: 6000, paid: 0 });

    // The same names keep working on their own routes, and sales with their own names too.
    expect((await customEvent(t, program.id, 'cus_1', 'demo_requested')).event.name).toBe('demo_requested');
    expect((await sale(t, program.id, 'cus_1', 1000, { eventName: 'upgrade' })).event.name).toBe('upgrade');
    // Kinds are per program.
    const other = await t.json('POST', '/v1/programs', { name: 'Other', currency: 'EUR', defaultUrl: 'https://shop.test/', allowedHosts: ['shop.test'] });
    const elsewhere = await t.json('POST', '/v1/track/lead', { programId: other.body.id, customer: { externalId: 'x' }, eventName: 'demo_requested' });
    expect(elsewhere.status).toBe(200);
  });

  it('migration 0009 gives names already in use the kind of their first event', async () => {
    const db = await openNodeDb(':memory:');
    const client = db.$client;
    await client.execute('DROP TRIGGER events_one_kind_per_name');
    await client.execute('DROP TRIGGER events_record_name_kind');
    await client.execute('DELETE FROM event_names');
    const rows: [string, string, number][] = [['lead', 'demo', 2], ['custom', 'demo', 1], ['sale', 'sale', 3], ['refund', 'refund', 4], ['lead', 'lead', 5]];
    for (const [i, [type, name, at]] of rows.entries()) {
      await client.execute({
        sql: `insert into events (id, program_id, type, name, dedupe_key, request_hash, quantity, status, result, occurred_at, created_at) values (?, 'prg_1', ?, ?, ?, 'h', 1, 'unattributed', '{}', 0, ?)`,
        args: [`evt_${i}`, type, name, `k${i}`, at],
      });
    }
    const statements = readFileSync(new URL('../../drizzle/0009_event_names.sql', import.meta.url), 'utf8').split('--> statement-breakpoint').slice(1);
    for (const stmt of statements) await client.execute(stmt);
    const kinds = (await client.execute('select name, type from event_names order by name')).rows.map((r) => [r.name, r.type]);
    expect(kinds).toEqual([['demo', 'custom'], ['lead', 'lead'], ['sale', 'sale']]);
  });
});
