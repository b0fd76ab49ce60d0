import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * Every conversion the business reports (lead, sale, custom funnel step, refund). `dedupeKey` makes
 * each one unique per program; `requestHash` tells a replay (same result) from a conflict (409).
 */
export const events = sqliteTable(
  'events',
  {
    id: text('id').primaryKey(),
    programId: text('program_id').notNull(),
    type: text('type', { enum: ['lead', 'sale', 'custom', 'refund'] }).notNull(),
    name: text('name').notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    requestHash: text('request_hash').notNull(),
    externalId: text('external_id'),
    customerId: text('customer_id'),
    customerExternalId: text('customer_external_id'),
    partnerId: text('partner_id'),
    linkId: text('link_id'),
    clickId: text('click_id'),
    /** For refunds: the sale event refunded. */
    saleEventId: text('sale_event_id'),
    amount: integer('amount'),
    currency: text('currency'),
    quantity: integer('quantity').notNull(),
    metadata: text('metadata', { mode: 'json' }).$type<Record<string, unknown>>(),
    status: text('status', { enum: ['attributed', 'unattributed', 'rejected'] }).notNull(),
    reason: text('reason'),
    /** The response body returned for this event, returned again on replay. */
    result: text('result', { mode: 'json' }).$type<unknown>().notNull(),
    occurredAt: integer('occurred_at', { mode: 'timestamp_ms' }).notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    uniqueIndex('events_program_dedupe_uq').on(t.programId, t.dedupeKey),
    index('events_customer_idx').on(t.programId, t.customerExternalId, t.occurredAt),
    // Partial: only refunds point at a sale (0006).
    index('events_sale_idx').on(t.saleEventId).where(sql.raw('sale_event_id IS NOT NULL')),
    index('events_program_occurred_idx').on(t.programId, t.occurredAt),
    index('events_customer_created_idx').on(t.customerExternalId, t.createdAt, t.id),
    index('events_created_idx').on(t.createdAt, t.id),
  ],
);
