import type { Db } from '../db/client';
import { findProgram } from '../db/queries/programs';
import { linkCodes, partnerNames, sumCommissionRollups, sumRollups, type RollupFilter, type RollupGroup } from '../db/queries/reports';
import { NotFoundError, ValidationError } from '../lib/errors';
import { isoWeekOf, monthOf } from './date-range';
import { clickLeadsGrouping, clickLeadsOf, CLICK_DIM } from './click-leads';
import { addCounts, addUnit, emptyAcc, hasActivity, metricsOf, type Acc, type Metrics } from './report-rows';
import { TIME_GROUPS, type GroupBy } from './schemas';

export interface ReportQuery {
  /** Inclusive UTC days, YYYY-MM-DD. */
  from: string;
  to: string;
  groupBy: GroupBy;
  campaign?: string;
}

export interface ReportRow extends Metrics {
  key: string;
  /** Partner name or link code (null when it no longer resolves); only for those groupings. */
  label?: string | null;
}

export interface Report {
  from: string;
  to: string;
  groupBy: GroupBy;
  currency: string;
  rows: ReportRow[];
  totals: Metrics;
}

const isTime = (g: GroupBy) => (TIME_GROUPS as readonly string[]).includes(g);

/**
 * Which rollup rows answer a grouping: time and partner groupings read dimension 'all' (or the
 * 'campaign' row of the filtered campaign); the others read their own dimension, which cannot be
 * narrowed to a campaign because rollups are not crossed between dimensions.
 */
function sourceOf(groupBy: GroupBy, campaign: string | undefined): { dim: string; key?: string; by: RollupGroup } {
  if (isTime(groupBy) || groupBy === 'partner') {
    return { dim: campaign === undefined ? 'all' : 'campaign', key: campaign ?? '', by: groupBy === 'partner' ? 'partner' : 'day' };
  }
  if (campaign !== undefined && groupBy !== 'campaign') {
    throw new ValidationError(
      'campaign',
      `cannot be combined with groupBy=${groupBy}; with a campaign filter group by day, week, month, partner or campaign`,
      'unsupported_combination',
    );
  }
  return { dim: groupBy, key: campaign, by: 'key' };
}

function bucketOf(groupBy: GroupBy, r: { day: string; partnerId: string; key: string }): string {
  switch (groupBy) {
    case 'day':
      return r.day;
    case 'week':
      return isoWeekOf(r.day);
    case 'month':
      return monthOf(r.day);
    case 'partner':
      return r.partnerId;
    default:
      return r.key;
  }
}

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * A program's report from the daily rollups only (never the raw clicks or events), so its cost is
 * O(days × groups). Bot clicks are never counted; keys without any activity are left out. Time
 * rows come in key order, other rows by revenue (highest first), then key. A week is keyed by its
 * Monday even when that falls before `from`; only days in range are counted either way.
 */
export async function buildReport({ db, programId, partnerId, query }: { db: Db; programId: string; partnerId?: string; query: ReportQuery }): Promise<Report> {
  const program = await findProgram(db, programId);
  if (!program) throw new NotFoundError('Program');
  const src = sourceOf(query.groupBy, query.campaign);
  const filter: RollupFilter = { programId, dim: src.dim, from: query.from, to: query.to };
  if (src.key !== undefined) filter.key = src.key;
  if (partnerId !== undefined) filter.partnerId = partnerId;
  const clickBy = clickLeadsGrouping(query.groupBy, query.campaign);
  const clickFilter: RollupFilter = { ...filter, dim: CLICK_DIM, keyNotEmpty: true };
  delete clickFilter.key;
  const [counts, units, clickRows] = await Promise.all([
    sumRollups(db, filter, [src.by]),
    sumCommissionRollups(db, filter, [src.by]),
    clickBy ? sumRollups(db, clickFilter, clickBy) : null,
  ]);

  const buckets = new Map<string, Acc>();
  const accOf = (key: string) => buckets.get(key) ?? buckets.set(key, emptyAcc()).get(key)!;
  const totals = emptyAcc();
  for (const r of counts) {
    addCounts(accOf(bucketOf(query.groupBy, r)), r);
    addCounts(totals, r);
  }
  for (const r of units) {
    addUnit(accOf(bucketOf(query.groupBy, r)), r.unit, r.amount);
    addUnit(totals, r.unit, r.amount);
  }
  let read: Map<string, number> | null = null;
  if (clickRows) {
    read = new Map();
    for (const r of clickRows) {
      const key = clickBy!.length > 0 ? bucketOf(query.groupBy, r) : '';
      read.set(key, (read.get(key) ?? 0) + r.leads);
    }
  }
  const clickLeads = clickLeadsOf(query.groupBy, buckets, read);

  const metricsAt = (key: string) => metricsOf(buckets.get(key)!, clickLeads.rows.get(key) ?? null);
  let rows: ReportRow[] = [...buckets.keys()].map((key) => ({ key, ...metricsAt(key) })).filter(hasActivity);
  if (query.groupBy === 'partner' || query.groupBy === 'link') {
    const keys = rows.map((r) => r.key);
    const labels = query.groupBy === 'partner' ? await partnerNames(db, programId, keys) : await linkCodes(db, programId, keys);
    rows = rows.map((r) => ({ key: r.key, label: labels.get(r.key) ?? null, ...metricsAt(r.key) }));
  }
  rows.sort(isTime(query.groupBy) ? byKey : (a, b) => b.revenue - a.revenue || byKey(a, b));
  return { from: query.from, to: query.to, groupBy: query.groupBy, currency: program.currency, rows, totals: metricsOf(totals, clickLeads.total) };
}
