import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';

/**
 * The append-only ledger. Amounts never change: a refund appends a negative `reversal` (unpaid
 * original) or `adjustment` (already paid) entry. Only status, approval/payment stamps and
 * payout membership move, and only forward.
 */
export const commissions = sqliteTable(
  'commissions',
  {
    id: text('id').primaryKey(),
    programId: text('program_id').notNull(),
    kind: text('kind', { enum: ['commission', 'reversal', 'adjustment'] }).notNull(),
    recipient: text('recipient', { enum: ['partner', 'customer'] }).notNull(),
    partnerId: text('partner_id'),
    customerId: text('customer_id'),
    rewardId: text('reward_id').notNull(),
    eventId: text('event_id').notNull(),
    reversesId: text('reverses_id'),
    amount: integer('amount').notNull(),
    unit: text('unit').notNull(),
    status: text('status', { enum: ['pending', 'approved', 'paid', 'reversed'] }).notNull(),
    holdUntil: integer('hold_until', { mode: 'timestamp_ms' }).notNull(),
    explanation: text('explanation').notNull(),
    payoutId: text('payout_id'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    approvedAt: integer('approved_at', { mode: 'timestamp_ms' }),
    paidAt: integer('paid_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    uniqueIndex('commissions_event_reward_uq').on(t.eventId, t.rewardId, t.reversesId),
    uniqueIndex('commissions_event_reward_first_uq').on(t.eventId, t.rewardId).where(sql`${t.reversesId} is null`),
    index('commissions_program_partner_idx').on(t.programId, t.partnerId, t.createdAt),
    index('commissions_status_hold_idx').on(t.status, t.holdUntil),
    // Partial: most rows have neither a payout yet nor a reversed original, and SQLite indexes NULLs
    // too; `payout_id = ?` / `reverses_id IN (…)` imply IS NOT NULL, so lookups still use them (0006).
    // A payout statement page is a range of it from the cursor, newest first, and its period two
    // probes at its ends (0012; it replaced commissions_payout_idx on payout_id alone).
    index('commissions_payout_created_idx').on(t.payoutId, t.createdAt, t.id).where(sql.raw('payout_id IS NOT NULL')),
    index('commissions_reverses_idx').on(t.reversesId).where(sql.raw('reverses_id IS NOT NULL')),
    // Balances (admin, /v1/me, portal) sum a partner's entries from the index alone.
    index('commissions_partner_balance_idx').on(t.partnerId, t.recipient, t.unit, t.status, t.amount),
    // Payout claims and status-filtered ledger pages stay inside one program.
    index('commissions_program_status_idx').on(t.programId, t.status, t.partnerId, t.unit, t.createdAt),
  ],
);

export const payouts = sqliteTable(
  'payouts',
  {
    id: text('id').primaryKey(),
    programId: text('program_id').notNull(),
    partnerId: text('partner_id').notNull(),
    unit: text('unit').notNull(),
    amount: integer('amount').notNull(),
    entryCount: integer('entry_count').notNull(),
    // Plain text in SQLite (no CHECK): 'canceled' needed no migration.
    status: text('status', { enum: ['pending', 'paid', 'canceled'] }).notNull(),
    reference: text('reference'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    paidAt: integer('paid_at', { mode: 'timestamp_ms' }),
    // A canceled payout keeps amount and entry_count as built; its entries went back to approved (0017).
    canceledAt: integer('canceled_at', { mode: 'timestamp_ms' }),
    cancelReason: text('cancel_reason'),
  },
  (t) => [index('payouts_program_partner_idx').on(t.programId, t.partnerId, t.createdAt)],
);

/** Stored responses for the Idempotency-Key header, per principal and route; kept 24 h. */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    key: text('key').primaryKey(),
    requestHash: text('request_hash').notNull(),
    status: integer('status'),
    response: text('response'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  // The periodic job deletes expired keys oldest first, in chunks (deleteIdempotencyKeysBefore).
  (t) => [index('idempotency_keys_created_at_idx').on(t.createdAt)],
);
