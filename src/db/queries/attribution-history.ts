import { and, asc, desc, eq, gt, lte, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { perDb } from '../prepared';
import { touchFactColumns } from './conversions';
import { compiledInsert, type Statement } from '../statements';
import { attributionHistory, clicks, links, partners } from '../schema';

export type AttributionHistoryRow = typeof attributionHistory.$inferSelect;

/**
 * Records a touch that became the customer's attribution, in the batch that sets it. A newer click
 * of the partner that already has the customer keeps `at` (same customer, `at` and partner): it
 * moves that row's link and click as it moves the customer's, so an event found in that partner's
 * tenure later gets the link and click it got while the partner was current (and the backfill of
 * 0014 stored: the customer's latest). Only leads that change the customer write here, so the row
 * only moves forward.
 */
export function insertAttributionHistoryStatement(db: Db, row: AttributionHistoryRow): Statement {
  return compiledInsert('attribution-history', attributionHistory, [row], () =>
    db
      .insert(attributionHistory)
      .values(row)
      .onConflictDoUpdate({
        target: [attributionHistory.customerId, attributionHistory.at, attributionHistory.partnerId],
        set: { linkId: sql`excluded.link_id`, clickId: sql`excluded.click_id` },
      }),
  );
}

const touchAtQuery = perDb((db) =>
  db
    .select({
      id: attributionHistory.id,
      partnerId: attributionHistory.partnerId,
      linkId: attributionHistory.linkId,
      clickId: attributionHistory.clickId,
      at: attributionHistory.at,
      ...touchFactColumns,
    })
    .from(attributionHistory)
    .leftJoin(partners, eq(partners.id, attributionHistory.partnerId))
    .leftJoin(clicks, eq(clicks.id, attributionHistory.clickId))
    .leftJoin(links, eq(links.id, attributionHistory.linkId))
    .where(
      and(
        eq(attributionHistory.customerId, sql.placeholder('customerId')),
        eq(attributionHistory.programId, sql.placeholder('programId')),
        lte(attributionHistory.at, sql.placeholder('at')),
      ),
    )
    .orderBy(desc(attributionHistory.at), desc(attributionHistory.id))
    .limit(1)
    .prepare(),
);

/**
 * The customer's latest recorded touch at or before `at`, with its partner (status, self-referral
 * facts) and the dimension facts of its click and link, in one round trip on the
 * (customer_id, at) index. Only asked for a conversion (or a lead's own touch) older than the
 * customer's current touch. `id` is the row's, for insertOlderTouchStatement's condition.
 */
export async function findTouchAt(db: Db, programId: string, customerId: string, at: Date) {
  const [row] = await touchAtQuery(db).all({ programId, customerId, at: at.getTime() });
  if (!row) return null;
  const { id, partnerStatus, partnerEmail, partnerExternalId, country, deviceType, browser, os, referrerHost, campaign, ...touch } = row;
  return {
    id,
    touch,
    partner: partnerEmail === null ? null : { status: partnerStatus!, email: partnerEmail, externalId: partnerExternalId },
    dims: { linkId: touch.linkId, campaign, country, deviceType, browser, os, referrerHost },
  };
}

const touchAfterQuery = perDb((db) =>
  db
    .select({ id: attributionHistory.id, partnerId: attributionHistory.partnerId, linkId: attributionHistory.linkId, clickId: attributionHistory.clickId, at: attributionHistory.at })
    .from(attributionHistory)
    .where(
      and(
        eq(attributionHistory.customerId, sql.placeholder('customerId')),
        eq(attributionHistory.programId, sql.placeholder('programId')),
        gt(attributionHistory.at, sql.placeholder('at')),
      ),
    )
    .orderBy(asc(attributionHistory.at), asc(attributionHistory.id))
    .limit(1)
    .prepare(),
);

/**
 * The recorded touches next to `at`: the latest at or before it (as findTouchAt) and the first
 * after it. Read only for a lead whose own touch is older than its customer's current one.
 */
export async function findTouchesAround(db: Db, programId: string, customerId: string, at: Date) {
  const [before, afterRows] = await Promise.all([findTouchAt(db, programId, customerId, at), touchAfterQuery(db).all({ programId, customerId, at: at.getTime() })]);
  const next = afterRows[0];
  return {
    before: before ? { id: before.id, touch: before.touch } : null,
    after: next ? { id: next.id, touch: { partnerId: next.partnerId, linkId: next.linkId, clickId: next.clickId, at: next.at } } : null,
  };
}

/**
 * Inserts a lead's own touch that is older than the customer's current one into the history's past,
 * in the lead's batch, only while its neighbours are still the rows the decision was made against
 * (`beforeId`: the latest row at or before its `at`, `afterId`: the first after it; null: none). If
 * another conversion recorded a touch between them meanwhile, `customer_id` becomes NULL, its NOT NULL
 * constraint fails the whole batch and the lead is redone from the new history (isOlderTouchConflict).
 * The same (customer, at, partner) twice adds nothing.
 */
export function insertOlderTouchStatement(row: AttributionHistoryRow, beforeId: string | null, afterId: string | null): Statement {
  const at = row.at.getTime();
  return {
    sql:
      'insert into attribution_history (id, program_id, customer_id, partner_id, link_id, click_id, at, created_at) values (?, ?, case when ' +
      '(select h.id from attribution_history h where h.customer_id = ? and h.program_id = ? and h.at <= ? order by h.at desc, h.id desc limit 1) is ? and ' +
      '(select h.id from attribution_history h where h.customer_id = ? and h.program_id = ? and h.at > ? order by h.at, h.id limit 1) is ? ' +
      'then ? end, ?, ?, ?, ?, ?) on conflict (customer_id, at, partner_id) do nothing',
    args: [row.id, row.programId, row.customerId, row.programId, at, beforeId, row.customerId, row.programId, at, afterId, row.customerId, row.partnerId, row.linkId, row.clickId, at, row.createdAt.getTime()],
  };
}

/** The batch of insertOlderTouchStatement lost a race: redo the conversion from a fresh read. */
export function isOlderTouchConflict(text: string): boolean {
  return /NOT NULL constraint failed: attribution_history\.customer_id/i.test(text);
}
