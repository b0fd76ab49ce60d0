import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeApp } from '../helpers/app';
import { bumpCounterStatement, isRetryableConflict, readCounters } from '../../src/db/queries/conversions';
import { events } from '../../src/db/schema';
import { saleEventRow } from '../helpers/event-row';
import { executeBatch } from '../../src/db/statements';

/**
 * The guarantee under every cap and tier: a counter write made against a stale read fails, and
 * takes the rest of its batch (the event, the commissions) down with it.
 */
describe('versioned counter writes inside db.batch()', () => {
  async function eventCount(t: Awaited<ReturnType<typeof makeApp>>) {
    const [row] = await t.db.select({ n: sql<number>`count(*)` }).from(events);
    return Number(row!.n);
  }

  const eventRow = (id: string) => saleEventRow(id);


  it('first write of a missing counter inserts it; a second writer that also saw it missing fails whole', async () => {
    const t = await makeApp();
    const { db } = t;
    await executeBatch(db, [db.insert(events).values(eventRow('evt_a')), bumpCounterStatement(db, 'k', null, 1, 500, 'v1')]);
    expect((await readCounters(db, ['k'])).get('k')).toMatchObject({ count: 1, total: 500, version: 'v1' });
    const stale = executeBatch(db, [db.insert(events).values(eventRow('evt_b')), bumpCounterStatement(db, 'k', null, 1, 500, 'v2')]);
    await expect(stale).rejects.toSatisfy(isRetryableConflict);
    expect(await eventCount(t)).toBe(1);
    expect((await readCounters(db, ['k'])).get('k')).toMatchObject({ count: 1, total: 500, version: 'v1' });
  });

  it('a write against the version it read succeeds; one against an older version fails and writes nothing', async () => {
    const t = await makeApp();
    const { db } = t;
    await executeBatch(db, [bumpCounterStatement(db, 'cap', null, 1, 100, 'v1')]);
    await executeBatch(db, [db.insert(events).values(eventRow('evt_1')), bumpCounterStatement(db, 'cap', 'v1', 1, 100, 'v2')]);
    const stale = executeBatch(db, [db.insert(events).values(eventRow('evt_2')), bumpCounterStatement(db, 'cap', 'v1', 1, 100, 'v3')]);
    await expect(stale).rejects.toSatisfy(isRetryableConflict);
    expect(await eventCount(t)).toBe(1);
    expect((await readCounters(db, ['cap'])).get('cap')).toMatchObject({ count: 2, total: 200, version: 'v2' });
  });
});
