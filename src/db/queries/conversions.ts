import { and, eq, getTableColumns, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { errorText } from '../client';
import { chunk } from '../../lib/chunk';
import { inArgs, inList, perDb, perDbAndSize } from '../prepared';
import { compiledInsert, type Statement } from '../statements';
import { clicks, commissions, customers, events, links, partners, rewardCounters, rewards } from '../schema';

export type CustomerRow = typeof customers.$inferSelect;
export type EventRow = typeof events.$inferSelect;
export type RewardRow = typeof rewards.$inferSelect;
export type CommissionRow = typeof commissions.$inferSelect;
export type CounterRow = typeof rewardCounters.$inferSelect;

const clickQuery = perDb((db) =>
  db
    .select({ id: clicks.id, programId: clicks.programId, partnerId: clicks.partnerId, linkId: clicks.linkId, createdAt: clicks.createdAt, bot: clicks.bot })
    .from(clicks)
    .where(eq(clicks.id, sql.placeholder('id')))
    .limit(1)
    .prepare(),
);

/** A click by id with what attribution needs (its partner, link, time and whether a bot made it), or null. */
export async function findClick(db: Db, id: string) {
  const [row] = await clickQuery(db).all({ id });
  return row ?? null;
}

const linkByCodeQuery = perDb((db) =>
  db
    .select({ linkId: links.id, programId: links.programId, partnerId: links.partnerId })
    .from(links)
    .where(and(eq(links.codeKey, sql.placeholder('codeKey')), isNull(links.archivedAt)))
    .limit(1)
    .prepare(),
);

/** A referral code (any link code, including the partner's own) → link and partner. */
export async function findLinkByCode(db: Db, codeKey: string) {
  const [row] = await linkByCodeQuery(db).all({ codeKey });
  return row ?? null;
}

const partnersByIdsQuery = perDbAndSize((db, n) => db.select().from(partners).where(inArray(partners.id, inList(n))).prepare());

/** At most 90 partners; a conversion asks for one or two (the new touch and the customer's own). */
export async function findPartnersByIds(db: Db, ids: readonly string[]) {
  const unique = [...new Set(ids)].slice(0, 90);
  if (unique.length === 0) return [];
  return partnersByIdsQuery(db, unique.length).all(inArgs(unique));
}

const customerQuery = perDb((db) =>
  db
    .select()
    .from(customers)
    .where(and(eq(customers.programId, sql.placeholder('programId')), eq(customers.externalId, sql.placeholder('externalId'))))
    .limit(1)
    .prepare(),
);

export async function findCustomer(db: Db, programId: string, externalId: string): Promise<CustomerRow | null> {
  const [row] = await customerQuery(db).all({ programId, externalId });
  return row ?? null;
}

const customerColumns = getTableColumns(customers);

/**
 * What a touch's conversion needs besides the touch: its partner (status, self-referral facts) and
 * the report dimensions of its click and link. Selected with partners, clicks and links left-joined.
 */
export const touchFactColumns = {
  partnerStatus: partners.status,
  partnerEmail: partners.email,
  partnerExternalId: partners.externalId,
  country: clicks.country,
  deviceType: clicks.deviceType,
  browser: clicks.browser,
  os: clicks.os,
  referrerHost: clicks.referrerHost,
  campaign: links.campaign,
};

/** The query behind findCustomerForConversion, prepared once per database handle. */
function customerForConversionQuery(db: Db) {
  return db
    .select({
      ...customerColumns,
      ...touchFactColumns,
    })
    .from(customers)
    .leftJoin(partners, eq(partners.id, customers.partnerId))
    .leftJoin(clicks, eq(clicks.id, customers.clickId))
    .leftJoin(links, eq(links.id, customers.linkId))
    .where(and(eq(customers.programId, sql.placeholder('programId')), eq(customers.externalId, sql.placeholder('externalId'))))
    .limit(1)
    .prepare();
}

const preparedCustomer = perDb(customerForConversionQuery);

/**
 * The customer with what a conversion needs beside it, in one round trip: the status, email and
 * externalId of the partner it is attributed to (self-referral) and the dimension facts of its attributing click and link (for the
 * rollups). Each join is a primary-key lookup; missing rows read as null.
 */
export async function findCustomerForConversion(db: Db, programId: string, externalId: string) {
  const [row] = await preparedCustomer(db).all({ programId, externalId });
  if (!row) return null;
  const { partnerStatus, partnerEmail, partnerExternalId, country, deviceType, browser, os, referrerHost, campaign, ...customer } = row;
  return {
    customer: customer as CustomerRow,
    partnerStatus,
    partner: partnerEmail === null ? null : { email: partnerEmail, externalId: partnerExternalId },
    dims: { linkId: customer.linkId, campaign, country, deviceType, browser, os, referrerHost },
  };
}

const eventByDedupeKeyQuery = perDb((db) =>
  db
    .select()
    .from(events)
    .where(and(eq(events.programId, sql.placeholder('programId')), eq(events.dedupeKey, sql.placeholder('dedupeKey'))))
    .limit(1)
    .prepare(),
);

export async function findEventByDedupeKey(db: Db, programId: string, dedupeKey: string): Promise<EventRow | null> {
  const [row] = await eventByDedupeKeyQuery(db).all({ programId, dedupeKey });
  return row ?? null;
}

export async function activeRewardsFor(db: Db, programId: string, eventName: string): Promise<RewardRow[]> {
  return db
    .select()
    .from(rewards)
    .where(and(eq(rewards.programId, programId), eq(rewards.event, eventName), eq(rewards.active, true)))
    .orderBy(rewards.createdAt, rewards.id);
}

// A conversion reads a few counters (tier, cap, per-customer); a query per count, as for every IN list.
const countersQuery = perDbAndSize((db, n) => db.select().from(rewardCounters).where(inArray(rewardCounters.key, inList(n))).prepare());

export async function readCounters(db: Db, keys: readonly string[]): Promise<Map<string, CounterRow>> {
  const map = new Map<string, CounterRow>();
  for (const part of chunk([...new Set(keys)], 90)) {
    for (const r of await countersQuery(db, part.length).all(inArgs(part))) map.set(r.key, r);
  }
  return map;
}

/**
 * Adds to a counter only if nobody changed it since it was read (`expectedVersion`, null when the
 * row did not exist). On a lost race the NOT NULL constraint on `count` fails, which aborts the
 * whole batch it is in, so the event, its commissions and the counters land together or not at all.
 */
export function bumpCounterStatement(db: Db, key: string, expectedVersion: string | null, count: number, total: number, newVersion: string): Statement {
  const row = { key, count, total, version: newVersion };
  const expected = expectedVersion ?? '';
  return compiledInsert('bump-counter', rewardCounters, [row], () =>
    db
      .insert(rewardCounters)
      .values(row)
      .onConflictDoUpdate({
        target: rewardCounters.key,
        set: {
          count: sql`case when ${rewardCounters.version} = ${expected} then ${rewardCounters.count} + excluded.count else null end`,
          total: sql`${rewardCounters.total} + excluded.total`,
          version: sql`excluded.version`,
        },
      }),
    [expected],
  );
}

/** A write lost a race (counter moved, customer or event created meanwhile): redo the whole conversion. */
export function isRetryableConflict(err: unknown): boolean {
  const text = errorText(err);
  return (
    /NOT NULL constraint failed: (reward_counters\.count|customers\.external_id)/i.test(text) ||
    /UNIQUE constraint failed: (customers|events)\./i.test(text) ||
    /SQLITE_BUSY|database is locked/i.test(text)
  );
}

export type { Statement };

export function insertCustomerStatement(db: Db, row: CustomerRow): Statement {
  return compiledInsert('customer', customers, [row], () => db.insert(customers).values(row));
}

/**
 * Rewrites a customer read earlier, only while its attribution is still the one that was read: if
 * another conversion changed it meanwhile, `external_id` is set to NULL, its NOT NULL constraint
 * fails and the whole batch (event, commissions) is dropped as a retryable conflict, like a stale
 * counter. Without it a concurrent lead's write of partner/link/click was silently overwritten.
 */
export function updateCustomerStatement(db: Db, read: CustomerRow, patch: CustomerRow) {
  const same = sql`${customers.partnerId} is ${read.partnerId} and ${customers.linkId} is ${read.linkId} and ${customers.clickId} is ${read.clickId} and ${customers.attributedAt} is ${read.attributedAt?.getTime() ?? null}`;
  return db
    .update(customers)
    .set({ ...patch, externalId: sql`case when ${same} then ${patch.externalId} else null end` })
    .where(eq(customers.id, read.id));
}

export function insertEventStatement(db: Db, row: EventRow): Statement {
  return compiledInsert('event', events, [row], () => db.insert(events).values(row));
}

/** 18 columns a row: at most 5 rows a statement keeps under D1's 100 bound parameters. */
export function insertCommissionsStatements(db: Db, rows: CommissionRow[]): Statement[] {
  const out: Statement[] = [];
  for (let i = 0; i < rows.length; i += 5) {
    const part = rows.slice(i, i + 5);
    out.push(compiledInsert('commissions', commissions, part, () => db.insert(commissions).values(part)));
  }
  return out;
}

// --- Early events: conversions recorded before their customer was attributed (reattribute-*.ts) ---

/**
 * Why an event was left unattributed when its customer had no partner yet: never seen
 * (`unknown_customer`) or seen without a referral (`no_referral`). Only these are picked up when
 * the customer is attributed later; every other reason was decided against an attribution.
 */
export const EARLY_REASONS = ['unknown_customer', 'no_referral'] as const;

const earlyEventsQuery = perDb((db) =>
  db
    .select()
    .from(events)
    .where(
      and(
        eq(events.programId, sql.placeholder('programId')),
        eq(events.customerExternalId, sql.placeholder('customerExternalId')),
        eq(events.status, 'unattributed'),
        inArray(events.reason, [...EARLY_REASONS]),
        sql`${events.type} <> 'refund'`,
      ),
    )
    .orderBy(events.occurredAt, events.createdAt, events.id)
    .limit(sql.placeholder('limit'))
    .prepare(),
);

/** The customer's early events (oldest first, at most `limit`): on the events_customer_idx index. */
export async function findEarlyEvents(db: Db, programId: string, customerExternalId: string, limit: number): Promise<EventRow[]> {
  return earlyEventsQuery(db).all({ programId, customerExternalId, limit });
}

/** One event of a program by id, or null. */
export async function findProgramEvent(db: Db, programId: string, id: string): Promise<EventRow | null> {
  const [row] = await db.select().from(events).where(and(eq(events.id, id), eq(events.programId, programId))).limit(1);
  return row ?? null;
}

/** A sale's refunds in the order they were recorded (events_sale_idx). */
export async function findRefundsOfSale(db: Db, saleEventId: string): Promise<EventRow[]> {
  return db.select().from(events).where(eq(events.saleEventId, saleEventId)).orderBy(events.createdAt, events.id);
}

/**
 * Rewrites an event's attribution, only while it is still as read (`status` and `reason`): a
 * concurrent writer that moved it makes this a no-op (the batch's once-only counter fails first).
 */
export function reattributeEventStatement(
  db: Db,
  read: Pick<EventRow, 'id' | 'status' | 'reason'>,
  patch: Pick<EventRow, 'status' | 'reason' | 'partnerId' | 'linkId' | 'clickId' | 'result'>,
) {
  return db
    .update(events)
    .set(patch)
    .where(and(eq(events.id, read.id), eq(events.status, read.status), read.reason === null ? isNull(events.reason) : eq(events.reason, read.reason)));
}
