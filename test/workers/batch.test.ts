import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { errorText, schema, type Db } from '../../src/db/client';
import { bumpCounterStatement, insertCustomerStatement, isRetryableConflict, readCounters, updateCustomerStatement, type CustomerRow } from '../../src/db/queries/conversions';
import { customers, events } from '../../src/db/schema';
import { saleEventRow } from '../helpers/event-row';
import { executeBatch, toRaw, type Statement } from '../../src/db/statements';

/**
 * The guarantee under every cap and tier, on D1 itself: a counter write made against a stale read
 * fails, and takes the rest of its batch (the event) down with it. Mirrors
 * test/reliability/conditional-batch.test.ts (libSQL).
 */
const eventRow = (programId: string, id: string) => saleEventRow(`${programId}_${id}`, programId);

// D1's handle is typed as the shared Db at the one place it is built (src/worker.ts); same here.
const d1 = () => drizzle(env.DB, { schema }) as unknown as Db;

/** Storage is shared by the tests of a file: each test writes under its own program id and counter keys. */
const scope = () => `prg_${crypto.randomUUID().slice(0, 8)}`;

async function eventIds(programId: string): Promise<string[]> {
  const { results } = await env.DB.prepare('select id from events where program_id = ? order by id').bind(programId).all<{ id: string }>();
  return results.map((r) => r.id.slice(programId.length + 1));
}

/** The statement exactly as drizzle renders it, bound on the raw D1 binding. */
function raw(q: Statement) {
  const { sql: text, args } = toRaw(q);
  return env.DB.prepare(text).bind(...args);
}

describe('versioned counter writes inside executeBatch() on D1 (drizzle over env.DB)', () => {
  it('first write of a missing counter inserts it; a second writer that also saw it missing fails whole', async () => {
    const db = d1();
    const p = scope();
    const k = `${p}|cap`;
    await executeBatch(db, [db.insert(events).values(eventRow(p, 'evt_a')), bumpCounterStatement(db, k, null, 1, 500, 'v1')]);
    expect((await readCounters(db, [k])).get(k)).toMatchObject({ count: 1, total: 500, version: 'v1' });

    const stale = executeBatch(db, [db.insert(events).values(eventRow(p, 'evt_b')), bumpCounterStatement(db, k, null, 1, 500, 'v2')]);
    await expect(stale).rejects.toSatisfy(isRetryableConflict);
    expect(await eventIds(p)).toEqual(['evt_a']);
    expect((await readCounters(db, [k])).get(k)).toMatchObject({ count: 1, total: 500, version: 'v1' });
  });

  it('a write against the version it read succeeds; one against an older version fails and writes nothing', async () => {
    const db = d1();
    const p = scope();
    const k = `${p}|cap`;
    await executeBatch(db, [bumpCounterStatement(db, k, null, 1, 100, 'v1')]);
    await executeBatch(db, [db.insert(events).values(eventRow(p, 'evt_1')), bumpCounterStatement(db, k, 'v1', 1, 100, 'v2')]);
    const stale = executeBatch(db, [db.insert(events).values(eventRow(p, 'evt_2')), bumpCounterStatement(db, k, 'v1', 1, 100, 'v3')]);
    await expect(stale).rejects.toSatisfy(isRetryableConflict);
    expect(await eventIds(p)).toEqual(['evt_1']);
    expect((await readCounters(db, [k])).get(k)).toMatchObject({ count: 2, total: 200, version: 'v2' });
  });
});

describe('the same SQL bound directly on env.DB.batch() (D1 semantics, independent of executeBatch)', () => {
  it('a stale counter write aborts the batch: the event before it is rolled back; D1’s error is retryable', async () => {
    const db = d1();
    const p = scope();
    const k = `${p}|cap`;
    await env.DB.batch([raw(db.insert(events).values(eventRow(p, 'evt_1'))), raw(bumpCounterStatement(db, k, null, 1, 100, 'v1'))]);
    expect((await readCounters(db, [k])).get(k)).toEqual({ key: k, count: 1, total: 100, version: 'v1' });

    let failure: unknown = null;
    try {
      await env.DB.batch([raw(db.insert(events).values(eventRow(p, 'evt_2'))), raw(bumpCounterStatement(db, k, 'v0', 1, 100, 'v2'))]);
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe(
      'D1_ERROR: NOT NULL constraint failed: reward_counters.count: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_NOTNULL)',
    );
    expect(errorText(failure)).toContain('NOT NULL constraint failed: reward_counters.count');
    expect(isRetryableConflict(failure)).toBe(true);
    expect(await eventIds(p)).toEqual(['evt_1']);
    expect((await readCounters(db, [k])).get(k)).toEqual({ key: k, count: 1, total: 100, version: 'v1' });

    // The current version applies.
    await env.DB.batch([raw(db.insert(events).values(eventRow(p, 'evt_3'))), raw(bumpCounterStatement(db, k, 'v1', 1, 100, 'v3'))]);
    expect(await eventIds(p)).toEqual(['evt_1', 'evt_3']);
    expect((await readCounters(db, [k])).get(k)).toEqual({ key: k, count: 2, total: 200, version: 'v3' });
  });

  it('a duplicate event id in a batch is a retryable UNIQUE conflict and rolls back the counter write', async () => {
    const db = d1();
    const p = scope();
    const k = `${p}|cap`;
    await env.DB.batch([raw(db.insert(events).values(eventRow(p, 'evt_1')))]);
    const dup = env.DB.batch([raw(bumpCounterStatement(db, k, null, 1, 100, 'v1')), raw(db.insert(events).values({ ...eventRow(p, 'evt_1'), dedupeKey: 'other' }))]);
    await expect(dup).rejects.toSatisfy(isRetryableConflict);
    expect((await readCounters(db, [k])).has(k)).toBe(false);
    const [row] = await db.select({ n: sql<number>`count(*)` }).from(events).where(eq(events.programId, p));
    expect(Number(row!.n)).toBe(1);
  });
});

describe('a customer rewritten from a stale read on D1', () => {
  it('fails its whole batch as a retryable conflict once another write changed its attribution; a current read applies', async () => {
    const db = d1();
    const p = scope();
    const read: CustomerRow = {
      id: `${p}_cus`, programId: p, externalId: 'c1', email: null, name: null, partnerId: null, linkId: null, clickId: null,
      attributedAt: null, createdAt: new Date(0), updatedAt: new Date(0),
    };
    await executeBatch(db, [insertCustomerStatement(db, read)]);
    // Another lead attributes the customer meanwhile.
    const attributed = { ...read, partnerId: 'ptn_a', linkId: 'lnk_a', clickId: 'clk_a', attributedAt: new Date(1_000) };
    await executeBatch(db, [updateCustomerStatement(db, read, attributed)]);

    const stale = executeBatch(db, [updateCustomerStatement(db, read, { ...read, email: 'bob@example.org' }), db.insert(events).values(eventRow(p, 'evt_1'))]);
    await expect(stale).rejects.toSatisfy(isRetryableConflict);
    expect(await eventIds(p)).toEqual([]);
    const row = async () => (await db.select().from(customers).where(eq(customers.id, read.id)))[0];
    expect(await row()).toEqual(attributed);

    await executeBatch(db, [updateCustomerStatement(db, attributed, { ...attributed, email: 'bob@example.org' }), db.insert(events).values(eventRow(p, 'evt_2'))]);
    expect(await eventIds(p)).toEqual(['evt_2']);
    expect(await row()).toEqual({ ...attributed, email: 'bob@example.org' });
  });
});
