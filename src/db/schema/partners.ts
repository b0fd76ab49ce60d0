import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { programs } from './programs';

export const partners = sqliteTable(
  'partners',
  {
    id: text('id').primaryKey(),
    programId: text('program_id').notNull().references(() => programs.id),
    name: text('name').notNull(),
    email: text('email').notNull(),
    externalId: text('external_id'),
    /** The partner's referral code; also the code of its default link. */
    code: text('code').notNull(),
    status: text('status', { enum: ['active', 'suspended'] }).notNull(),
    /**
     * Partner tokens carry the generation they were issued in (`gen`); revoking the partner's
     * tokens bumps it, so every token issued before stops working at once.
     */
    tokenGeneration: integer('token_generation').notNull().default(0),
    /**
     * How the partner wants to be paid, set by the partner (or an admin): null until then. Personal
     * data (a PayPal email, an IBAN): shown to the partner itself and to admins, never logged.
     */
    payoutMethod: text('payout_method', { enum: ['paypal', 'wise', 'bank_transfer', 'other'] }),
    payoutDetails: text('payout_details'),
    payoutDetailsUpdatedAt: integer('payout_details_updated_at', { mode: 'timestamp_ms' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    index('partners_program_created_idx').on(t.programId, t.createdAt, t.id),
    uniqueIndex('partners_program_external_uq').on(t.programId, t.externalId),
  ],
);
