import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';

/**
 * A program's outbound webhook endpoints. No secret is stored: each endpoint's signing secret is
 * derived from the server's root key, its id and `secret_version` (webhooks/derive-secret.ts), so
 * a database dump signs nothing; rotating bumps the version.
 */
export const webhookEndpoints = sqliteTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    programId: text('program_id').notNull(),
    url: text('url').notNull(),
    /** JSON array of event types, e.g. ["sale.created","commission.created"]. */
    events: text('events', { mode: 'json' }).$type<string[]>().notNull(),
    active: integer('active', { mode: 'boolean' }).notNull(),
    description: text('description'),
    secretVersion: integer('secret_version').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('webhook_endpoints_program_idx').on(t.programId, t.createdAt, t.id)],
);

/**
 * The outbox: one row per event and subscribed endpoint, inserted in the same batch as the write
 * the event reports (so it exists iff that write happened). `event_key` names what the event is
 * about (an event id, a commission id, `pay_…:paid`): unique per endpoint, so a write that could
 * run twice never queues its event twice. A runner claims a due row by setting `locked_until`
 * (and counting the attempt) in one conditional UPDATE.
 */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    programId: text('program_id').notNull(),
    endpointId: text('endpoint_id').notNull(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    eventKey: text('event_key').notNull(),
    /** The exact body sent: `{"id","type","createdAt","data"}`. */
    payload: text('payload').notNull(),
    status: text('status', { enum: ['pending', 'delivered', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull(),
    nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }).notNull(),
    lockedUntil: integer('locked_until', { mode: 'timestamp_ms' }),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    lastAttemptAt: integer('last_attempt_at', { mode: 'timestamp_ms' }),
    deliveredAt: integer('delivered_at', { mode: 'timestamp_ms' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_endpoint_key_uq').on(t.endpointId, t.eventKey),
    index('webhook_deliveries_endpoint_created_idx').on(t.endpointId, t.createdAt, t.id),
    // Only pending rows are ever due; delivered and failed ones stay out of the job's index.
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql.raw("status = 'pending'")),
  ],
);
