import { and, desc, eq, lte, sql } from 'drizzle-orm';
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
 * (customer_id, at) index. Only asked for a conversion older than the customer's current touch.
 */
export async function findTouchAt(db: Db, programId: string, customerId: string, at: Date) {
  const [row] = await touchAtQuery(db).all({ programId, customerId, at: at.getTime() });
  if (!row) return null;
  const { partnerStatus, partnerEmail, partnerExternalId, country, deviceType, browser, os, referrerHost, campaign, ...touch } = row;
  return {
    touch,
    partner: partnerEmail === null ? null : { status: partnerStatus!, email: partnerEmail, externalId: partnerExternalId },
    dims: { linkId: touch.linkId, campaign, country, deviceType, browser, os, referrerHost },
  };
}
