import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';

export const programs = sqliteTable(
  'programs',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    currency: text('currency').notNull(),
    defaultUrl: text('default_url').notNull(),
    allowedHosts: text('allowed_hosts', { mode: 'json' }).$type<string[]>().notNull(),
    attributionModel: text('attribution_model', { enum: ['last_click', 'first_click'] }).notNull(),
    attributionWindowDays: integer('attribution_window_days').notNull(),
    holdDays: integer('hold_days').notNull(),
    clickIdParam: text('click_id_param').notNull(),
    dedupWindowSeconds: integer('dedup_window_seconds').notNull(),
    /** Show the program's leaderboard to partners in the portal (referral contests). */
    leaderboardEnabled: integer('leaderboard_enabled', { mode: 'boolean' }).notNull().default(false),
    /**
     * The domain the `rcid` cookie is set for (`Domain=shop.com`) when the short link's host is it or
     * a subdomain of it (`go.shop.com`), so the merchant's backend can read it; null: host-only.
     */
    cookieDomain: text('cookie_domain'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('programs_created_idx').on(t.createdAt, t.id)],
);
