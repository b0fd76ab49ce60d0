import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import type { Condition, Period, Tier } from '../../rewards/engine';

export interface RewardCaps {
  perPartner?: { amount: number; period: Period } | null;
  perCustomer?: { count: number } | null;
}

export const rewards = sqliteTable(
  'rewards',
  {
    id: text('id').primaryKey(),
    programId: text('program_id').notNull(),
    event: text('event').notNull(),
    recipient: text('recipient', { enum: ['partner', 'customer'] }).notNull(),
    type: text('type', { enum: ['fixed', 'percent', 'per_unit'] }).notNull(),
    amount: integer('amount').notNull(),
    unit: text('unit').notNull(),
    tiers: text('tiers', { mode: 'json' }).$type<Tier[]>(),
    tierPeriod: text('tier_period', { enum: ['lifetime', 'year', 'month'] }).notNull(),
    conditions: text('conditions', { mode: 'json' }).$type<Condition[]>(),
    caps: text('caps', { mode: 'json' }).$type<RewardCaps>(),
    windowDays: integer('window_days'),
    holdDays: integer('hold_days'),
    startsAt: integer('starts_at', { mode: 'timestamp_ms' }),
    endsAt: integer('ends_at', { mode: 'timestamp_ms' }),
    active: integer('active', { mode: 'boolean' }).notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('rewards_program_event_idx').on(t.programId, t.event)],
);

/**
 * Running counters per rule and scope (tier counts, capped totals, per-customer counts). Every
 * write compares `version` with what was read (see db/queries/conversions.ts), so concurrent
 * writers can never both pass a cap.
 */
export const rewardCounters = sqliteTable('reward_counters', {
  key: text('key').primaryKey(),
  count: integer('count').notNull(),
  total: integer('total').notNull(),
  version: text('version').notNull(),
});
