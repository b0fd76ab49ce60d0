import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';

/**
 * One row per redirect. No raw IP is ever stored: `visitorHash` is SHA-256(ip + ua + salt),
 * used only to flag repeats within the program's dedup window.
 */
export const clicks = sqliteTable(
  'clicks',
  {
    id: text('id').primaryKey(),
    programId: text('program_id').notNull(),
    partnerId: text('partner_id').notNull(),
    linkId: text('link_id').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    country: text('country'),
    deviceType: text('device_type').notNull(),
    browser: text('browser'),
    os: text('os'),
    referrerHost: text('referrer_host'),
    paidAds: integer('paid_ads', { mode: 'boolean' }).notNull(),
    bot: integer('bot', { mode: 'boolean' }).notNull(),
    botReason: text('bot_reason'),
    unique: integer('is_unique', { mode: 'boolean' }).notNull(),
    visitorHash: text('visitor_hash').notNull(),
  },
  // Every index is paid for on every click (the hottest write): only these are read. Link stats and
  // reports read the rollups; clicks_link_visitor_idx and clicks_partner_created_idx were dropped in
  // 0005 (the click writer measured 46 -> 29 us per click with distinct visitors without them).
  (t) => [
    // The dedup read of every click batch: last unique click per (visitor, link). Partial: only
    // unique clicks are ever looked up, so repeats and bots are not indexed at all (0006; the
    // writer measured ~2 us less per repeat click). The query must say `is_unique = 1` literally.
    index('clicks_visitor_last_unique_idx').on(t.visitorHash, t.linkId, t.createdAt).where(sql.raw('is_unique = 1')),
    // A program's rollup rebuild.
    index('clicks_program_created_idx').on(t.programId, t.createdAt),
  ],
);
