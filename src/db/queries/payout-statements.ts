import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { commissions, events, links, partners, payouts } from '../schema';
import { decodeCursor, newestFirst } from '../../lib/pagination';
import type { CommissionRow } from './conversions';
import { payeeColumns, payeeOfPayout, type Payee, type PayoutRow } from './payouts';

/**
 * Whose payout a statement read may return: one partner's (the partner API and the portal; another
 * partner's payout reads as null, as an unknown one does) or any payout (`'admin'`).
 */
export type StatementScope = { partnerId: string; programId: string } | 'admin';

export interface StatementEntryRow<C = CommissionRow> {
  commission: C;
  /** The code and campaign of the partner's link that earned the entry (a refund: its sale's link). */
  linkCode: string | null;
  campaign: string | null;
}

/**
 * The columns of an entry a statement line (the CSV) shows. A download reads only these: values
 * cross the driver one by one, and over a 100,000-entry payout the whole rows cost ~30% more CPU.
 */
const lineColumns = {
  id: commissions.id,
  createdAt: commissions.createdAt,
  kind: commissions.kind,
  status: commissions.status,
  amount: commissions.amount,
  unit: commissions.unit,
  eventId: commissions.eventId,
  reversesId: commissions.reversesId,
  explanation: commissions.explanation,
};
export type StatementLineCommission = Pick<CommissionRow, keyof typeof lineColumns>;
export type StatementLineRow = StatementEntryRow<StatementLineCommission>;

/** A payout and one page of its entries' statement lines (up to `limit` + 1, newest first), read in one batch. */
export interface PayoutStatementPage {
  payout: PayoutRow;
  /** The partner's payout method and details now (admin reads only; a partner's own read: null). */
  payee: Payee;
  entries: StatementLineRow[];
}

export interface PayoutStatementRows extends PayoutStatementPage {
  entries: StatementEntryRow[];
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
 * The payout, and for an admin its partner's payout details as they are now (read in the same batch
 * as the entries, never snapshotted): one probe of partners by primary key. A partner's read matches
 * no row there (the bound flag is 0), so the statement it gets never carries them; the plan is the same.
 */
function payoutRead(db: Db, payoutId: string, scope: StatementScope) {
  return db
    .select({ payout: payouts, payee: payeeColumns })
    .from(payouts)
    .leftJoin(partners, and(payeeOfPayout, sql`${scope === 'admin' ? 1 : 0} = 1`))
    .where(payoutWhere(payoutId, scope))
    .limit(1);
}

/**
 * A payout's entries: a range of commissions_payout_created_idx (payout_id, created_at, id). A
 * partner's read also names its program and partner on every entry, so another partner's payout
 * id reads nothing even before the payout row says 404. Those two are written `+column`: a plain
 * `program_id = ? AND partner_id = ?` would make SQLite walk commissions_program_partner_idx
 * (two equalities beat one) through all the partner's entries instead of the payout's range.
 */
function entriesWhere(payoutId: string, scope: StatementScope): SQL | undefined {
  const ofPayout = eq(commissions.payoutId, payoutId);
  if (scope === 'admin') return ofPayout;
  return and(ofPayout, sql`+${commissions.programId} = ${scope.programId}`, sql`+${commissions.partnerId} = ${scope.partnerId}`);
}

/** Entries after the cursor, newest first: one row-value bound, so the index walk starts at the cursor. */
function afterCursor(cursor: string | undefined): SQL | undefined {
  if (!cursor) return undefined;
  const { at, id } = decodeCursor(cursor);
  return sql`(${commissions.createdAt}, ${commissions.id}) < (${at.getTime()}, ${id})`;
}

/** The entries of one page: the payout's, after `cursor`. */
const pageWhere = (payoutId: string, scope: StatementScope, page: StatementPageQuery) => and(entriesWhere(payoutId, scope), afterCursor(page.cursor));
/** The partner's link that earned the entry, through its event. */
const linkOfEntry = and(eq(links.id, events.linkId), eq(links.partnerId, commissions.partnerId));

/**
 * `limit` + 1 entries after `cursor`, newest first, each with the code and campaign of its partner's
 * link: `commission` is the whole row (`commissions`, the statement page) or only the columns a line
 * shows (`lineColumns`, the download).
 */
function entriesPage<C extends typeof commissions | typeof lineColumns>(db: Db, commission: C, payoutId: string, scope: StatementScope, page: StatementPageQuery) {
  return db
    .select({ commission, linkCode: links.code, campaign: links.campaign })
    .from(commissions)
    .leftJoin(events, eq(events.id, commissions.eventId))
    .leftJoin(links, linkOfEntry)
    .where(pageWhere(payoutId, scope, page))
    .orderBy(...newestFirst(commissions.createdAt, commissions.id))
    .limit(page.limit + 1);
}

/** The payout's first or last entry's createdAt: one probe at an end of its index range, not a scan. */
function periodEnd(db: Db, payoutId: string, scope: StatementScope, end: 'from' | 'to') {
  return db
    .select({ at: commissions.createdAt })
    .from(commissions)
    .where(entriesWhere(payoutId, scope))
    .orderBy(end === 'from' ? asc(commissions.createdAt) : desc(commissions.createdAt))
    .limit(1);
}

/**
 * A payout with the period of its entries and one page of them, newest first, read in one batch so
 * the status never lags the entries during a mark-paid. A bad cursor throws a 422 before any read.
 */
export async function readPayoutStatement(db: Db, payoutId: string, scope: StatementScope, page: StatementPageQuery): Promise<PayoutStatementRows | null> {
  const [[read], [first], [last], entries] = await db.batch([
    payoutRead(db, payoutId, scope),
    periodEnd(db, payoutId, scope, 'from'),
    periodEnd(db, payoutId, scope, 'to'),
    entriesPage(db, commissions, payoutId, scope, page),
  ]);
  if (!read) return null;
  const period = first && last ? { from: first.at, to: last.at } : null;
  return { payout: read.payout, payee: read.payee, period, entries };
}

/**
 * The payout and one page of its entries' statement lines in one batch, without the period: what a
 * statement download reads per page, so each line's payout status is read with its entry.
 */
export async function readPayoutStatementPage(db: Db, payoutId: string, scope: StatementScope, page: StatementPageQuery): Promise<PayoutStatementPage | null> {
  const [[read], entries] = await db.batch([payoutRead(db, payoutId, scope), entriesPage(db, lineColumns, payoutId, scope, page)]);
  return read ? { payout: read.payout, payee: read.payee, entries } : null;
}
