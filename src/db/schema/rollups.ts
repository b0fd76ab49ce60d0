import { sqliteTable, text, integer, primaryKey, index } from 'drizzle-orm/sqlite-core';

/**
 * Daily counts per program, partner and dimension, kept up to date in the same batch as the
 * click or the event, so a report costs O(days × groups) rows, not O(events).
 * `dim` is one of ROLLUP_DIMS ('all' has key ''); days are UTC 'YYYY-MM-DD'.
 */
export const dailyRollups = sqliteTable(
  'daily_rollups',
  {
    programId: text('program_id').notNull(),
    partnerId: text('partner_id').notNull(),
    day: text('day').notNull(),
    dim: text('dim').notNull(),
    key: text('key').notNull(),
    clicks: integer('clicks').notNull().default(0),
    uniqueClicks: integer('unique_clicks').notNull().default(0),
    botClicks: integer('bot_clicks').notNull().default(0),
    leads: integer('leads').notNull().default(0),
    sales: integer('sales').notNull().default(0),
    /** Sales minus refunds, in the program currency's minor units. */
    revenue: integer('revenue').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.dim, t.day, t.partnerId, t.key] }),
    index('daily_rollups_partner_idx').on(t.partnerId, t.dim, t.day),
  ],
);

/** Commission entries (signed: reversals and adjustments included) per day, dimension and unit. */
export const dailyCommissionRollups = sqliteTable(
  'daily_commission_rollups',
  {
    programId: text('program_id').notNull(),
    partnerId: text('partner_id').notNull(),
    day: text('day').notNull(),
    dim: text('dim').notNull(),
    key: text('key').notNull(),
    unit: text('unit').notNull(),
    amount: integer('amount').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.dim, t.day, t.partnerId, t.key, t.unit] }),
    index('daily_commission_rollups_partner_idx').on(t.partnerId, t.dim, t.day),
  ],
);
