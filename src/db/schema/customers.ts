import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** A referred (or not yet referred) customer of a program, with its current attribution. */
export const customers = sqliteTable(
  'customers',
  {
    id: text('id').primaryKey(),
    programId: text('program_id').notNull(),
    externalId: text('external_id').notNull(),
    email: text('email'),
    name: text('name'),
    partnerId: text('partner_id'),
    linkId: text('link_id'),
    clickId: text('click_id'),
    attributedAt: integer('attributed_at', { mode: 'timestamp_ms' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    uniqueIndex('customers_program_external_uq').on(t.programId, t.externalId),
    index('customers_partner_idx').on(t.partnerId, t.createdAt),
    // The customers API: a program's list newest first, and its email filter (any ASCII case; the
    // program is checked on the few rows of one email).
    index('customers_program_created_idx').on(t.programId, t.createdAt, t.id),
    index('customers_email_idx').on(sql`lower(${t.email})`),
  ],
);
