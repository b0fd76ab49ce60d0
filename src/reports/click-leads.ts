import type { RollupGroup } from '../db/queries/reports';
import type { Acc } from './report-rows';
import { TIME_GROUPS, type GroupBy } from './schemas';

/**
 * Click-attributed leads come from the rollups' dimension 'device': every click has a device type
 * (never ''), a conversion by referral code has no click and so the key ''. Rollups are not
 * crossed between dimensions, so this answers only what dimension 'device' can be narrowed to.
 */
export const CLICK_DIM = 'device';

/**
 * How to read the click-attributed leads behind a report: grouped like its rows (time and partner
 * groupings), or one total; null when they cannot be read (a campaign filter: 'device' rows are
 * not kept per campaign).
 */
export function clickLeadsGrouping(groupBy: GroupBy, campaign: string | undefined): RollupGroup[] | null {
  if (campaign !== undefined) return null;
  if ((TIME_GROUPS as readonly string[]).includes(groupBy)) return ['day'];
  return groupBy === 'partner' ? ['partner'] : [];
}

/**
 * Each row's click-attributed leads, given `read` (the 'device' rows already bucketed like the
 * rows: per bucket for time and partner groupings, else one total under '') or null.
 * - time, partner: read per bucket;
 * - device: a key's leads, 0 for '' (no click);
 * - country, browser, os, referrer: a conversion by code has '' in these too, so a non-empty key's
 *   leads all came through a click, and '' holds the rest of the total;
 * - link, campaign: a code's conversions share its link (and campaign) with the link's clicks, so
 *   they cannot be told apart: null.
 */
export function clickLeadsOf(groupBy: GroupBy, buckets: ReadonlyMap<string, Acc>, read: ReadonlyMap<string, number> | null): { rows: Map<string, number | null>; total: number | null } {
  const rows = new Map<string, number | null>();
  if (read === null) {
    for (const key of buckets.keys()) rows.set(key, null);
    return { rows, total: null };
  }
  let total = 0;
  for (const n of read.values()) total += n;
  if ((TIME_GROUPS as readonly string[]).includes(groupBy) || groupBy === 'partner') {
    for (const key of buckets.keys()) rows.set(key, read.get(key) ?? 0);
  } else if (groupBy === 'device') {
    for (const [key, acc] of buckets) rows.set(key, key === '' ? 0 : acc.leads);
  } else if (groupBy === 'link' || groupBy === 'campaign') {
    for (const key of buckets.keys()) rows.set(key, null);
  } else {
    let known = 0;
    for (const [key, acc] of buckets) if (key !== '') known += acc.leads;
    for (const [key, acc] of buckets) rows.set(key, key === '' ? total - known : acc.leads);
  }
  return { rows, total };
}
