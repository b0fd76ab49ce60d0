import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { rowsAffected } from '../client';
import { cursorWhere } from '../../lib/pagination';
import type { RawStatement } from '../statements';
import { webhookDeliveries, webhookEndpoints } from '../schema';

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;

/**
 * Inserts the endpoint only while its program has fewer than `max` endpoints: one statement, so two
 * creations at once cannot both pass the count. False when the program is full.
 */
export async function insertWebhookEndpoint(db: Db, row: WebhookEndpointRow, max: number): Promise<boolean> {
  const res = await db.run(sql`insert into webhook_endpoints (id, program_id, url, events, active, description, secret_version, created_at, updated_at)
    select ${row.id}, ${row.programId}, ${row.url}, ${JSON.stringify(row.events)}, ${row.active ? 1 : 0}, ${row.description}, ${row.secretVersion}, ${row.createdAt.getTime()}, ${row.updatedAt.getTime()}
    where (select count(*) from webhook_endpoints where program_id = ${row.programId}) < ${max}`);
  return rowsAffected(res) > 0;
}

export async function findWebhookEndpoint(db: Db, id: string): Promise<WebhookEndpointRow | null> {
  const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).limit(1);
  return row ?? null;
}

export async function findWebhookEndpoints(db: Db, ids: string[]): Promise<WebhookEndpointRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(webhookEndpoints).where(sql`${webhookEndpoints.id} in (select value from json_each(${JSON.stringify(ids)}))`);
}

/** One page (limit + 1 rows) of a program's endpoints, newest first. */
export async function listWebhookEndpoints(db: Db, programId: string, limit: number, cursor?: string) {
  return db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.programId, programId), cursorWhere(cursor, webhookEndpoints.createdAt, webhookEndpoints.id)))
    .orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id))
    .limit(limit + 1);
}

export async function updateWebhookEndpoint(db: Db, id: string, patch: Partial<Pick<WebhookEndpointRow, 'url' | 'events' | 'active' | 'description'>>, now: Date) {
  const [row] = await db.update(webhookEndpoints).set({ ...patch, updatedAt: now }).where(eq(webhookEndpoints.id, id)).returning();
  return row ?? null;
}

/** Bumps the secret version; the new row, or null when the endpoint is gone. */
export async function bumpWebhookSecretVersion(db: Db, id: string, now: Date) {
  const [row] = await db
    .update(webhookEndpoints)
    .set({ secretVersion: sql`${webhookEndpoints.secretVersion} + 1`, updatedAt: now })
    .where(eq(webhookEndpoints.id, id))
    .returning();
  return row ?? null;
}

/** Deletes the endpoint and its deliveries together; false when it was already gone. */
export async function deleteWebhookEndpoint(db: Db, id: string): Promise<boolean> {
  const [, res] = await db.batch([db.delete(webhookDeliveries).where(eq(webhookDeliveries.endpointId, id)), db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id))]);
  return rowsAffected(res) > 0;
}

export interface OutboxEvent {
  programId: string;
  eventId: string;
  type: string;
  /** What the event is about; one delivery per endpoint and key, ever. */
  key: string;
  payload: string;
  at: Date;
}

/**
 * The outbox insert that goes into the batch of the write an event reports: one pending delivery
 * for each of the program's active endpoints subscribed to the event's type, none when there is
 * none. `guard` (SQL over the written rows) makes it conditional on a conditional write having
 * happened; `on conflict do nothing` on (endpoint, key) keeps a write that runs twice from queuing twice.
 */
export function enqueueWebhookStatement(e: OutboxEvent, guard?: { sql: string; args: (string | number | null)[] }): RawStatement {
  return withInsert({
    sql: `select 'whd_' || lower(hex(randomblob(12))), w.program_id, w.id, ?, ?, ?, ?, 'pending', 0, ?, null, null, null, null, null, ?
      from webhook_endpoints w
      where w.program_id = ? and w.active = 1 and exists (select 1 from json_each(w.events) where value = ?)${guard ? ` and (${guard.sql})` : ''}`,
    args: [e.eventId, e.type, e.key, e.payload, e.at.getTime(), e.at.getTime(), e.programId, e.type, ...(guard?.args ?? [])],
  });
}

// Every column, in the table's order: the SELECTs below give one value each.
const INSERT = `insert into webhook_deliveries (id, program_id, endpoint_id, event_id, event_type, event_key, payload, status, attempts, next_attempt_at, locked_until, last_status_code, last_error, last_attempt_at, delivered_at, created_at) `;
// `on conflict` after an INSERT … SELECT needs the SELECT to end in a WHERE clause (SQLite's parsing rule); each does.
const withInsert = (select: RawStatement): RawStatement => ({ sql: `${INSERT}${select.sql} on conflict do nothing`, args: select.args });

/**
 * An outbox insert (enqueueWebhookStatement, enqueuePayoutsCreatedStatement) as a drizzle builder
 * for batches built with `db.batch()`: an INSERT … SELECT, as D1's drizzle batch takes it.
 */
export function asBatchItem(db: Db, s: RawStatement) {
  const select = s.sql.slice(INSERT.length, s.sql.length - ' on conflict do nothing'.length);
  const parts = select.split('?');
  const chunks: SQL[] = [];
  parts.forEach((part, i) => {
    chunks.push(sql.raw(part));
    if (i < s.args.length) chunks.push(sql`${s.args[i]}`);
  });
  return db.insert(webhookDeliveries).select(sql.join(chunks)).onConflictDoNothing();
}

/** Whether any delivery is due at `now` (one probe of the partial due index). */
export async function hasDueWebhookDelivery(db: Db, now: Date): Promise<boolean> {
  const rows = await db.all(sql`select 1 from webhook_deliveries where status = 'pending' and next_attempt_at <= ${now.getTime()} limit 1`);
  return rows.length > 0;
}

/**
 * Claims up to `limit` due deliveries of active endpoints for one attempt: counts the attempt and
 * locks each row until `lockUntil`, in ONE conditional UPDATE, so two runners never claim the same
 * attempt (a runner that dies leaves the row to be claimed again once the lock passes).
 */
export async function claimDueWebhookDeliveries(db: Db, now: Date, lockUntil: Date, limit: number): Promise<WebhookDeliveryRow[]> {
  const t = now.getTime();
  const due = sql`status = 'pending' and next_attempt_at <= ${t} and (locked_until is null or locked_until <= ${t})`;
  return db
    .update(webhookDeliveries)
    .set({ lockedUntil: lockUntil, attempts: sql`${webhookDeliveries.attempts} + 1`, lastAttemptAt: now })
    .where(
      sql`id in (select d.id from webhook_deliveries d join webhook_endpoints w on w.id = d.endpoint_id and w.active = 1
        where d.status = 'pending' and d.next_attempt_at <= ${t} and (d.locked_until is null or d.locked_until <= ${t})
        order by d.next_attempt_at, d.id limit ${limit}) and ${due}`,
    )
    .returning();
}

/** Records the outcome of the attempt this runner claimed (matched by its attempt number). */
export async function finishWebhookAttempt(
  db: Db,
  id: string,
  attempt: number,
  outcome: { status: 'pending' | 'delivered' | 'failed'; nextAttemptAt: Date; statusCode: number | null; error: string | null; deliveredAt: Date | null },
) {
  await db
    .update(webhookDeliveries)
    .set({ status: outcome.status, nextAttemptAt: outcome.nextAttemptAt, lockedUntil: null, lastStatusCode: outcome.statusCode, lastError: outcome.error, deliveredAt: outcome.deliveredAt })
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.attempts, attempt)));
}

/** One page (limit + 1 rows) of an endpoint's deliveries, newest first, optionally of one status. */
export async function listWebhookDeliveries(db: Db, endpointId: string, limit: number, cursor?: string, status?: string) {
  return db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.endpointId, endpointId),
        status ? sql`${webhookDeliveries.status} = ${status}` : undefined,
        cursorWhere(cursor, webhookDeliveries.createdAt, webhookDeliveries.id),
      ),
    )
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(limit + 1);
}

export async function findWebhookDelivery(db: Db, endpointId: string, id: string) {
  const [row] = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.endpointId, endpointId)))
    .limit(1);
  return row ?? null;
}

/** Makes a delivery due now (pending) unless an attempt is in flight; the row, or null when in flight. */
export async function retryWebhookDelivery(db: Db, endpointId: string, id: string, now: Date) {
  const t = now.getTime();
  const [row] = await db
    .update(webhookDeliveries)
    .set({ status: 'pending', nextAttemptAt: now })
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.endpointId, endpointId), sql`(locked_until is null or locked_until <= ${t})`))
    .returning();
  return row ?? null;
}

/**
 * The outbox insert of `payout.created` for every payout of a build (`payoutIdsJson`, a JSON array),
 * read back from the payouts table after the build's amounts are set, in the build's own batch: a
 * draft the batch did not create (suspended partner, money gone) has no row and so no event. The
 * body is made in SQL; its `amountFormatted` is filled in when it is sent (renderWebhookBody).
 */
export function enqueuePayoutsCreatedStatement(programId: string, payoutIdsJson: string, now: Date): RawStatement {
  const t = now.getTime();
  const iso = now.toISOString();
  return withInsert({
    sql: `select 'whd_' || lower(hex(randomblob(12))), p.program_id, w.id, 'whe_' || substr(p.id, 5), 'payout.created', p.id || ':created',
        json_object('id', 'whe_' || substr(p.id, 5), 'type', 'payout.created', 'createdAt', ?,
          'data', json_object('id', p.id, 'programId', p.program_id, 'partnerId', p.partner_id, 'unit', p.unit, 'amount', p.amount, 'amountFormatted', null,
            'entryCount', p.entry_count, 'status', p.status, 'reference', p.reference, 'createdAt', ?, 'paidAt', null, 'canceledAt', null, 'cancelReason', p.cancel_reason)),
        'pending', 0, ?, null, null, null, null, null, ?
      from payouts p join webhook_endpoints w on w.program_id = p.program_id and w.active = 1 and exists (select 1 from json_each(w.events) where value = 'payout.created')
      where p.program_id = ? and p.created_at = ? and p.id in (select value from json_each(?))`,
    args: [iso, iso, t, t, programId, t, payoutIdsJson],
  });
}
