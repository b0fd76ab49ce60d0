import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { commissions, events, links, payouts } from '../schema';
import { cursorWhere, newestFirst } from '../../lib/pagination';
import type { CommissionRow } from './conversions';
import type { PayoutRow } from './ledger';

export interface StatementEntryRow {
  commission: CommissionRow;
  /** The code and campaign of the partner's link that earned the entry (a refund: its sale's link). */
  linkCode: string | null;
  campaign: string | null;
}

export interface PayoutStatementRows {
  payout: PayoutRow;
  /** The first and last entry's createdAt (null only for a payout without entries, which is never kept). */
  period: { from: Date; to: Date } | null;
  entries: StatementEntryRow[];
}

/**
 * A partner's payout with its entries, newest first (`limit` + 1 of them after `cursor`, or all
 * without `limit`), read in one batch so the status never lags the entries during a mark-paid.
 * Scoped by partner and program: another partner's payout reads as null, as an unknown one does.
 */
export async function readPayoutStatement(
  db: Db,
  payoutId: string,
  me: { partnerId: string; programId: string },
  page: { limit?: number; cursor?: string } = {},
): Promise<PayoutStatementRows | null> {
  const mine = and(eq(commissions.payoutId, payoutId), eq(commissions.partnerId, me.partnerId), eq(commissions.programId, me.programId));
  const entries = db
    .select({ commission: commissions, linkCode: links.code, campaign: links.campaign })
    .from(commissions)
    .leftJoin(events, eq(events.id, commissions.eventId))
    .leftJoin(links, and(eq(links.id, events.linkId), eq(links.partnerId, me.partnerId)))
    .where(and(mine, cursorWhere(page.cursor, commissions.createdAt, commissions.id)))
    .orderBy(...newestFirst(commissions.createdAt, commissions.id));
  const [[payout], [span], rows] = await db.batch([
    db.select().from(payouts).where(and(eq(payouts.id, payoutId), eq(payouts.partnerId, me.partnerId), eq(payouts.programId, me.programId))).limit(1),
    db.select({ from: sql<number>`min(${commissions.createdAt})`, to: sql<number>`max(${commissions.createdAt})` }).from(commissions).where(mine),
    page.limit === undefined ? entries : entries.limit(page.limit + 1),
  ]);
  if (!payout) return null;
  const period = span?.from == null || span.to == null ? null : { from: new Date(Number(span.from)), to: new Date(Number(span.to)) };
  return { payout, period, entries: rows };
}

/** Any payout with all its entries, oldest first, in one batch (the admin's view). */
export async function readPayoutWithEntries(db: Db, payoutId: string): Promise<{ payout: PayoutRow; entries: CommissionRow[] } | null> {
  const [[payout], entries] = await db.batch([
    db.select().from(payouts).where(eq(payouts.id, payoutId)).limit(1),
    db.select().from(commissions).where(eq(commissions.payoutId, payoutId)).orderBy(commissions.createdAt, commissions.id),
  ]);
  return payout ? { payout, entries } : null;
}
