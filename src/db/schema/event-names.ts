import { sqliteTable, text, primaryKey } from 'drizzle-orm/sqlite-core';

/**
 * The kind (lead, sale, custom) each conversion name has in a program, set by its first event.
 * Reward rules match by name, so one name recorded through two routes would earn its rules on
 * each (a funnel step once as a lead and once as a custom event; a lead's name as a sale, once per
 * order). Triggers on `events` (migration 0009) fill this table and refuse an event whose name
 * already has another kind, inside the event's own batch, on D1 and libSQL alike. Refunds are not
 * counted: they name the sale they refund.
 */
export const eventNames = sqliteTable(
  'event_names',
  {
    programId: text('program_id').notNull(),
    name: text('name').notNull(),
    type: text('type', { enum: ['lead', 'sale', 'custom'] }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.programId, t.name] })],
);
