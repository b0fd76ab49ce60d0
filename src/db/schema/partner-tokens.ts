import { sqliteTable, text, integer, index, primaryKey } from 'drizzle-orm/sqlite-core';
import { partners } from './partners';

/**
 * Partner tokens revoked one by one (portal "Sign out", the admin's revoke of one token), by their
 * `jti`. Every partner-token request checks its token by jti with one index probe. A row is needed only while the token could still verify: the periodic job
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
  (t) => [
    primaryKey({ columns: [t.partnerId, t.tokenId] }),
    index('revoked_partner_tokens_expires_at_idx').on(t.expiresAt),
    // The check looks a token up by its jti alone (a random UUID): an admin naming the wrong
    // partner still revokes the token it names.
    index('revoked_partner_tokens_token_id_idx').on(t.tokenId),
  ],
);
