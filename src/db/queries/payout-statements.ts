import { and, eq, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { commissions, events, links, payouts } from '../schema';
import { cursorWhere, decodeCursor, newestFirst } from '../../lib/pagination';
import type { CommissionRow } from './conversions';
import type { PayoutRow } from './ledger';

/**
 * Whose payout a statement read may return: one partner's (the partner API and the portal; another
 * partner's payout reads as null, as an unknown one does) or any payout (`'admin'`).
 */
export type StatementScope = { partnerId: string; programId: string } | 'admin';

export interface StatementEntryRow {
  commission: CommissionRow;
  /** The code and campaign of the partner's link that earned the entry (a refund: its sale's link). */
  linkCode: string | null;
  campaign: string | null;
}

/** A payout and one page of its entries (up to `limit` + 1, newest first), read in one batch. */
export interface PayoutStatementPage {
  payout: PayoutRow;
  entries: StatementEntryRow[];
}

export interface PayoutStatementRows extends PayoutStatementPage {
  /** The first and last entry's createdAt (null only for a payout without entries, which is never kept). */
  period: { from: Date; to: Date } | null;
}

export interface StatementPageQuery {
  limit: number;
  cursor?: string;
}

function payoutWhere(payoutId: string, scope: StatementScope): SQL | undefined {
  return scope === 'admin'
    ? eq(payouts.id, payoutId)
    : and(eq(payouts.id, payoutId), eq(payouts.partnerId, scope.partnerId), eq(payouts.programId, scope.programId));
}

/**
 * A payout's entries. An admin's read names the payout's own program and partner too (every entry
 * of a payout is its partner's): then a page is a range of commissions_program_partner_idx, walked
 * newest first from the cursor, instead of a sort of all the payout's entries for every page
 * (commissions_payout_idx has no created_at), which made a 100,000-entry statement quadratic.
 */
function entriesWhere(payoutId: string, scope: StatementScope): SQL | undefined {
  const ofPayout = (column: 'program_id' | 'partner_id') => sql`(select ${sql.raw(column)} from ${payouts} where ${payouts.id} = ${payoutId})`;
  const owner =
    scope === 'admin'
      ? { programId: ofPayout('program_id'), partnerId: ofPayout('partner_id') }
      : { programId: scope.programId, partnerId: scope.partnerId };
  return and(eq(commissions.payoutId, payoutId), eq(commissions.programId, owner.programId), eq(commissions.partnerId, owner.partnerId));
}

/**
 * Entries after the cursor. The extra `created_at <=` bound says nothing new, but lets SQLite start
 * the index walk at the cursor: with the OR alone it walks from the partner's newest entry every page.
 */
function afterCursor(cursor: string | undefined): SQL | undefined {
  if (!cursor) return undefined;
  return and(lte(commissions.createdAt, decodeCursor(cursor).at), cursorWhere(cursor, commissions.createdAt, commissions.id));
}

/** `limit` + 1 entries after `cursor`, newest first, each with the code and campaign of its partner's link. */
function entriesPage(db: Db, payoutId: string, scope: StatementScope, page: StatementPageQuery) {
  return db
    .select({ commission: commissions, linkCode: links.code, campaign: links.campaign })
    .from(commissions)
    .leftJoin(events, eq(events.id, commissions.eventId))
    .leftJoin(links, and(eq(links.id, events.linkId), eq(links.partnerId, commissions.partnerId)))
    .where(and(entriesWhere(payoutId, scope), afterCursor(page.cursor)))
    .orderBy(...newestFirst(commissions.createdAt, commissions.id))
    .limit(page.limit + 1);
}

/**
 * A payout with the period of its entries and one page of them, newest first, read in one batch so
 * the status never lags the entries during a mark-paid. A bad cursor throws a 422 before any read.
 */
export async function readPayoutStatement(db: Db, payoutId: string, scope: StatementScope, page: StatementPageQuery): Promise<PayoutStatementRows | null> {
  const [[payout], [span], entries] = await db.batch([
    db.select().from(payouts).where(payoutWhere(payoutId, scope)).limit(1),
    db.select({ from: sql<number>`min(${commissions.createdAt})`, to: sql<number>`max(${commissions.createdAt})` }).from(commissions).where(entriesWhere(payoutId, scope)),
    entriesPage(db, payoutId, scope, page),
  ]);
  if (!payout) return null;
  const period = span?.from == null || span.to == null ? null : { from: new Date(Number(span.from)), to: new Date(Number(span.to)) };
  return { payout, period, entries };
}

/**
 * The payout and one page of its entries in one batch, without the period: what a statement
 * download reads per page, so each line's payout status is read with its entry.
 */
export async function readPayoutStatementPage(db: Db, payoutId: string, scope: StatementScope, page: StatementPageQuery): Promise<PayoutStatementPage | null> {
  const [[payout], entries] = await db.batch([db.select().from(payouts).where(payoutWhere(payoutId, scope)).limit(1), entriesPage(db, payoutId, scope, page)]);
  return payout ? { payout, entries } : null;
}
