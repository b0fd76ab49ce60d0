import { and, asc, desc, eq, getTableColumns, inArray, max, min, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { attributionHistory, commissions, customers, events, partners } from '../schema';
import { cursorWhere, newestFirst } from '../../lib/pagination';
import { exactSum } from './exact-sum';

// The customers API's reads (GET /v1/programs/:id/customers[/:customerId], GET /v1/me/customers).
// Writes to customers stay with the conversions that make them (conversions.ts).

const customerColumns = getTableColumns(customers);
const withPartnerName = { ...customerColumns, partnerName: partners.name };

export type CustomerWithPartner = typeof customers.$inferSelect & { partnerName: string | null };

/**
 * A program's customers, newest first (limit + 1 rows), with their current partner's name.
 * `email` compares ignoring ASCII case on both sides: tracking stores it as sent.
 */
export async function listCustomers(
  db: Db,
  f: { programId: string; partnerId?: string; externalId?: string; email?: string; limit: number; cursor?: string },
): Promise<CustomerWithPartner[]> {
  return db
    .select(withPartnerName)
    .from(customers)
    .leftJoin(partners, eq(partners.id, customers.partnerId))
    .where(
      and(
        f.partnerId !== undefined || f.email !== undefined ? notIndexed(customers.programId, f.programId) : eq(customers.programId, f.programId),
        f.partnerId !== undefined ? eq(customers.partnerId, f.partnerId) : undefined,
        f.externalId !== undefined ? eq(customers.externalId, f.externalId) : undefined,
        f.email !== undefined ? sql`lower(${customers.email}) = lower(${f.email})` : undefined,
        cursorWhere(f.cursor, customers.createdAt, customers.id),
      ),
    )
    .orderBy(...newestFirst(customers.createdAt, customers.id))
    .limit(f.limit + 1);
}

/**
 * `+program_id = ?`: the program still filters, but no index is chosen for it, so SQLite starts
 * from the partner's or the email's index (a few rows) instead of walking the whole program through
 * customers_program_created_idx because that one already has the page order.
 */
const notIndexed = (column: typeof customers.programId, programId: string) => sql`+${column} = ${programId}`;

/** One customer of the program with its current partner's name, or null (another program's too). */
export async function findProgramCustomer(db: Db, programId: string, customerId: string): Promise<CustomerWithPartner | null> {
  const [row] = await db
    .select(withPartnerName)
    .from(customers)
    .leftJoin(partners, eq(partners.id, customers.partnerId))
    .where(and(eq(customers.id, customerId), eq(customers.programId, programId)))
    .limit(1);
  return row ?? null;
}

/** How many touches and credit entries a customer's detail shows at most (the newest). */
export const DETAIL_TOUCHES = 100;
export const DETAIL_CREDITS = 100;

/** The customer's events: every event (refunds included) of the program under its external id. */
const eventsOf = (programId: string, externalId: string) => and(eq(events.programId, programId), eq(events.customerExternalId, externalId));

/**
 * A customer's customer-side ledger (two-sided rewards): entries with recipient `customer` booked on
 * the customer's own events — the sale that earned a credit, the refund that reversed it (a void is
 * booked on the original's event). Found through the customer's events (events_customer_idx), then
 * each event's entries (commissions_event_reward_uq): the ledger has no customer index.
 */
function creditsWhere(db: Db, c: { id: string; programId: string; externalId: string }) {
  return and(
    inArray(commissions.eventId, db.select({ id: events.id }).from(events).where(eventsOf(c.programId, c.externalId))),
    // The events are the program's; `+` keeps the planner off the program-wide ledger indexes
    // (without statistics it preferred walking every entry of the program to the event probes).
    sql`+${commissions.programId} = ${c.programId}`,
    eq(commissions.recipient, 'customer'),
    eq(commissions.customerId, c.id),
  );
}

/**
 * Everything a customer's detail shows besides the customer itself, in one batch (one consistent
 * read): its newest touches, its events per type, its newest credit entries and its credit sums per
 * unit and status (over every entry, however many).
 */
export async function readCustomerDetail(db: Db, c: { id: string; programId: string; externalId: string }) {
  const [touches, eventTypes, credits, creditSums] = await db.batch([
    db
      .select({
        partnerId: attributionHistory.partnerId,
        partnerName: partners.name,
        linkId: attributionHistory.linkId,
        clickId: attributionHistory.clickId,
        at: attributionHistory.at,
      })
      .from(attributionHistory)
      .leftJoin(partners, eq(partners.id, attributionHistory.partnerId))
      .where(and(eq(attributionHistory.customerId, c.id), eq(attributionHistory.programId, c.programId)))
      .orderBy(desc(attributionHistory.at), desc(attributionHistory.id))
      .limit(DETAIL_TOUCHES),
    db
      .select({
        type: events.type,
        count: sql<number>`count(*)`,
        amount: exactSum(events.amount),
        firstAt: min(events.occurredAt),
        lastAt: max(events.occurredAt),
      })
      .from(events)
      .where(eventsOf(c.programId, c.externalId))
      .groupBy(events.type)
      .orderBy(asc(events.type)),
    db
      .select()
      .from(commissions)
      .where(creditsWhere(db, c))
      .orderBy(...newestFirst(commissions.createdAt, commissions.id))
      .limit(DETAIL_CREDITS + 1),
    db
      .select({ unit: commissions.unit, status: commissions.status, total: exactSum(commissions.amount) })
      .from(commissions)
      .where(creditsWhere(db, c))
      .groupBy(commissions.unit, commissions.status),
  ]);
  return { touches, eventTypes, credits, creditSums };
}

/**
 * The customers a partner has now (its referrals it still holds), newest first, limit + 1 rows.
 * Scoped by program and partner; customers_partner_idx (partner_id, created_at) serves the order.
 */
export async function listPartnerCustomers(db: Db, f: { programId: string; partnerId: string; limit: number; cursor?: string }) {
  return db
    .select({ id: customers.id, linkId: customers.linkId, attributedAt: customers.attributedAt, createdAt: customers.createdAt })
    .from(customers)
    .where(and(eq(customers.partnerId, f.partnerId), notIndexed(customers.programId, f.programId), cursorWhere(f.cursor, customers.createdAt, customers.id)))
    .orderBy(...newestFirst(customers.createdAt, customers.id))
    .limit(f.limit + 1);
}
