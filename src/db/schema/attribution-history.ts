import { sqliteTable, text, integer, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * Each touch that became a customer's attribution (written in the batch that set it), and, under
 * last_click, a lead's own click or code older than the customer's current touch (inserted into the
 * past between its neighbours by that lead's batch).
 * Under last_click a conversion that occurred before the customer's current touch belongs to the
 * latest touch here at or before its occurredAt. One row per (customer, at, partner): a newer click
 * of the partner that already has the customer keeps `at`, so it adds no row but moves that row's
 * link and click, as it moves the customer's.
 */
export const attributionHistory = sqliteTable(
  'attribution_history',
  {
    id: text('id').primaryKey(),
    programId: text('program_id').notNull(),
    customerId: text('customer_id').notNull(),
    partnerId: text('partner_id').notNull(),
    linkId: text('link_id'),
    clickId: text('click_id'),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('attribution_history_customer_at_uq').on(t.customerId, t.at, t.partnerId)],
);
