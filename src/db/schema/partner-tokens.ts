import { sqliteTable, text, integer, index, primaryKey } from 'drizzle-orm/sqlite-core';
import { partners } from './partners';

/**
 * Partner tokens revoked one by one (portal "Sign out", the admin's revoke of one token), by their
 * `jti`. Keyed by partner and jti, so every partner-token request checks its token with one
 * primary-key probe. A row is needed only while the token could still verify: the periodic job
 * deletes it once `expires_at` has passed.
 */
export const revokedPartnerTokens = sqliteTable(
  'revoked_partner_tokens',
  {
    partnerId: text('partner_id').notNull().references(() => partners.id),
    tokenId: text('token_id').notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.partnerId, t.tokenId] }), index('revoked_partner_tokens_expires_at_idx').on(t.expiresAt)],
);
