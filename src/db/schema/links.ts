import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { programs } from './programs';
import { partners } from './partners';

export interface Utm {
  source?: string;
  medium?: string;
  campaign?: string;
  term?: string;
  content?: string;
}

export const links = sqliteTable(
  'links',
  {
    id: text('id').primaryKey(),
    programId: text('program_id').notNull().references(() => programs.id),
    partnerId: text('partner_id').notNull().references(() => partners.id),
    code: text('code').notNull(),
    /** Lower-cased code: codes are unique case-insensitively across the whole service. */
    codeKey: text('code_key').notNull().unique(),
    url: text('url').notNull(),
    campaign: text('campaign'),
    utm: text('utm', { mode: 'json' }).$type<Utm>(),
    archivedAt: integer('archived_at', { mode: 'timestamp_ms' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('links_partner_created_idx').on(t.partnerId, t.createdAt, t.id)],
);
