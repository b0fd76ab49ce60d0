import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { clicks, dailyCommissionRollups, dailyRollups, links } from '../schema';
import type { CommissionDelta, DimFacts, RollupDelta } from '../../reports/rollup-deltas';
import { chunk } from '../../lib/chunk';
import { inArgs, inList, perDb, perDbAndSize } from '../prepared';
import { compiledInsert } from '../statements';

const ROLLUP_ROWS_PER_STATEMENT = 9; // 11 columns: stay under D1's 100 bound parameters
const COMMISSION_ROWS_PER_STATEMENT = 14; // 7 columns


/**
 * Upserts that add deltas to rollup rows; meant to ride in the same batch as the facts.
 * `maxParams`: bound parameters a statement may carry (default D1's 100; libSQL allows 32766).
 */
export function rollupStatements(db: Db, deltas: readonly RollupDelta[], commissionDeltas: readonly CommissionDelta[] = [], opts: { maxParams?: number } = {}) {
  const rollupRows = opts.maxParams ? Math.floor(opts.maxParams / 11) : ROLLUP_ROWS_PER_STATEMENT;
  const commissionRows = opts.maxParams ? Math.floor(opts.maxParams / 7) : COMMISSION_ROWS_PER_STATEMENT;
  const add = (col: keyof typeof dailyRollups.$inferSelect) => sql.raw(`${dailyRollups[col].name} + excluded.${dailyRollups[col].name}`);
  const a = chunk(deltas, rollupRows).map((part) =>
    compiledInsert('rollups', dailyRollups, part, () =>
      db
        .insert(dailyRollups)
        .values(part)
        .onConflictDoUpdate({
        target: [dailyRollups.programId, dailyRollups.dim, dailyRollups.day, dailyRollups.partnerId, dailyRollups.key],
        set: {
          clicks: add('clicks'),
          uniqueClicks: add('uniqueClicks'),
          botClicks: add('botClicks'),
          leads: add('leads'),
          sales: add('sales'),
          revenue: add('revenue'),
        },
      }),
    ),
  );
  const b = chunk(commissionDeltas, commissionRows).map((part) =>
    compiledInsert('commission-rollups', dailyCommissionRollups, part, () =>
      db
        .insert(dailyCommissionRollups)
        .values(part)
        .onConflictDoUpdate({
        target: [
          dailyCommissionRollups.programId,
          dailyCommissionRollups.dim,
          dailyCommissionRollups.day,
          dailyCommissionRollups.partnerId,
          dailyCommissionRollups.key,
          dailyCommissionRollups.unit,
        ],
        set: { amount: sql.raw('amount + excluded.amount') },
      }),
    ),
  );
  return [...a, ...b];
}

const clickDimsQuery = perDb((db) =>
  db
    .select({ country: clicks.country, deviceType: clicks.deviceType, browser: clicks.browser, os: clicks.os, referrerHost: clicks.referrerHost })
    .from(clicks)
    .where(eq(clicks.id, sql.placeholder('id')))
    .limit(1)
    .prepare(),
);
const linkCampaignQuery = perDb((db) => db.select({ campaign: links.campaign }).from(links).where(eq(links.id, sql.placeholder('id'))).limit(1).prepare());

/** Dimension facts of a conversion: its attributing click (if any) and its link's campaign. */
export async function dimFactsOf(db: Db, clickId: string | null, linkId: string | null): Promise<DimFacts> {
  const facts: DimFacts = { linkId, campaign: null, country: null, deviceType: null, browser: null, os: null, referrerHost: null };
  if (clickId) {
    const [c] = await clickDimsQuery(db).all({ id: clickId });
    if (c) Object.assign(facts, c);
  }
  if (linkId) {
    const [l] = await linkCampaignQuery(db).all({ id: linkId });
    facts.campaign = l?.campaign ?? null;
  }
  return facts;
}

const campaignsQuery = perDbAndSize((db, n) => db.select({ id: links.id, campaign: links.campaign }).from(links).where(inArray(links.id, inList(n))).prepare());

export async function campaignsOf(db: Db, linkIds: readonly string[]): Promise<Map<string, string | null>> {
  const map = new Map<string, string | null>();
  const unique = [...new Set(linkIds)];
  for (const part of chunk(unique, 90)) {
    for (const r of await campaignsQuery(db, part.length).all(inArgs(part))) map.set(r.id, r.campaign);
  }
  return map;
}

export async function existingClickIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const part of chunk(ids, 90)) {
    for (const r of await db.select({ id: clicks.id }).from(clicks).where(inArray(clicks.id, part))) found.add(r.id);
  }
  return found;
}
