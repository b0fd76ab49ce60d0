import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node-client';
import { dedupeKey } from '../../src/conversions/dedupe-key';
import { addReward, commissions, customEvent, events, setup } from './support';

const MIGRATION = readFileSync(new URL('../../drizzle/0008_unambiguous_dedupe_keys.sql', import.meta.url), 'utf8').split('--> statement-breakpoint');

describe('conversion dedupe keys', () => {
  it('escape ":" and "%" in each part; parts without them read as before', () => {
    expect(dedupeKey('lead', 'cust_1', 'lead')).toBe('lead:cust_1:lead');
    expect(dedupeKey('event', 'demo', 'customer', 'bob')).toBe('event:demo:customer:bob');
    expect(dedupeKey('lead', 'a:b', 'c')).toBe('lead:a%3Ab:c');
    expect(dedupeKey('lead', 'a', 'b:c')).toBe('lead:a:b%3Ac');
    expect(dedupeKey('event', 'x', 'customer:bob')).toBe('event:x:customer%3Abob');
    expect(dedupeKey('lead', '100%:x', 'y')).toBe('lead:100%25%3Ax:y');
  });

  it('distinct parts never give one key', () => {
    const part = fc.string({ unit: fc.constantFrom('a', ':', '%', '3', 'A', '2', '5'), maxLength: 6 });
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 4 }), fc.array(part, { minLength: 1, maxLength: 4 }), (a, b) => {
        if (JSON.stringify(a) !== JSON.stringify(b)) expect(dedupeKey(...a)).not.toBe(dedupeKey(...b));
      }),
      { numRuns: 2000 },
    );
  });

  it('distinct leads and funnel steps that used to share a key are both recorded and paid', async () => {
    const { t, program } = await setup({ holdDays: 0 });
    await addReward(t, program.id, { event: 'c', type: 'fixed', amount: 700 });
    await addReward(t, program.id, { event: 'b:c', type: 'fixed', amount: 500 });
    await addReward(t, program.id, { event: 'demo', type: 'fixed', amount: 1000 });
    const lead = async (externalId: string, eventName: string) => t.json('POST', '/v1/track/lead', { programId: program.id, customer: { externalId }, eventName });
    // No partner here: both leads are unattributed, but each is its own event.
    const first = await lead('a:b', 'c');
    const second = await lead('a', 'b:c');
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.body.event.id).not.toBe(second.body.event.id);
    // A replay of each is still the same event.
    expect((await lead('a', 'b:c')).body.event.id).toBe(second.body.event.id);

    const alice = await customEvent(t, program.id, 'alice', 'demo', { externalId: 'customer:bob' });
    const bob = await customEvent(t, program.id, 'bob', 'demo');
    expect(alice.event.id).not.toBe(bob.event.id);
    expect((await events(t, program.id)).map((e) => [e.type, e.name]).sort()).toEqual([['custom', 'demo'], ['custom', 'demo'], ['lead', 'b:c'], ['lead', 'c']]);
    expect(await commissions(t, program.id)).toEqual([]);
  });

  it('migration 0008 rewrites exactly the stored keys with ":" or "%" in a part, as dedupeKey builds them', async () => {
    const db = await openNodeDb(':memory:');
    const client = db.$client;
    const rows: [string, string, string | null, string, string][] = [
      // type, name, external_id, customer_external_id, old key
      ['lead', 'lead', null, 'cust_1', 'lead:cust_1:lead'],
      ['lead', 'c', null, 'a:b', 'lead:a:b:c'],
      ['lead', 'x', null, '50%', 'lead:50%:x'],
      ['custom', 'demo', null, 'bob', 'event:demo:customer:bob'],
      ['custom', 'demo', 'customer:bob', 'alice', 'event:demo:customer:bob2'],
      ['custom', 'step:two', null, 'carol', 'event:step:two:customer:carol'],
      ['custom', 'demo', 'ord_1', 'dan', 'event:demo:ord_1'],
      ['sale', 'sale', 'order:7', 'erin', 'sale:order:7'],
    ];
    for (const [i, [type, name, ext, cust, key]] of rows.entries()) {
      await client.execute({
        sql: `insert into events (id, program_id, type, name, dedupe_key, request_hash, external_id, customer_external_id, quantity, status, result, occurred_at, created_at)
              values (?, 'prg_1', ?, ?, ?, 'h', ?, ?, 1, 'unattributed', '{}', 0, 0)`,
        args: [`evt_${i}`, type, name, key, ext, cust],
      });
    }
    for (const stmt of MIGRATION) await client.execute(stmt);
    const keys = (await client.execute('select dedupe_key from events order by id')).rows.map((r) => r.dedupe_key);
    expect(keys).toEqual([
      'lead:cust_1:lead',
      dedupeKey('lead', 'a:b', 'c'),
      dedupeKey('lead', '50%', 'x'),
      'event:demo:customer:bob',
      dedupeKey('event', 'demo', 'customer:bob'),
      dedupeKey('event', 'step:two', 'customer', 'carol'),
      'event:demo:ord_1',
      'sale:order:7',
    ]);
    expect(keys[1]).toBe('lead:a%3Ab:c');
  });
});
