import { and, between, countDistinct, count, eq, gt, gte, inArray, isNotNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { commissions, customers, dailyCommissionRollups, dailyRollups, events, links, partners } from '../schema';
import { chunk } from '../../lib/chunk';
import { exactAmount } from '../../lib/money';
import { exactSum } from './exact-sum';

/** Which rollup rows a report reads: one dimension (and maybe one key) of one program, days inclusive. */
export interface RollupFilter {
  programId: string;
  partnerId?: string;
  dim: string;
  key?: string;
  /** Only rows whose key is not '' (e.g. dimension 'device': conversions that came through a click). */
  keyNotEmpty?: boolean;
  from: string;
  to: string;
}

/** Columns a report groups by; the others come back as ''. */
export type RollupGroup = 'day' | 'partner' | 'key';


type RollupTable = typeof dailyRollups | typeof dailyCommissionRollups;

function whereOf(t: RollupTable, f: RollupFilter): SQL | undefined {
  return and(
    eq(t.programId, f.programId),
    eq(t.dim, f.dim),
    between(t.day, f.from, f.to),
    f.key !== undefined ? eq(t.key, f.key) : undefined,
    f.keyNotEmpty ? ne(t.key, '') : undefined,
    f.partnerId !== undefined ? eq(t.partnerId, f.partnerId) : undefined,
  );
}

function groupCols(t: RollupTable, by: readonly RollupGroup[]) {
  const col = { day: t.day, partner: t.partnerId, key: t.key } as const;
  const pick = (g: RollupGroup) => (by.includes(g) ? col[g] : sql<string>`''`);
  return { select: { day: pick('day'), partnerId: pick('partner'), key: pick('key') }, group: by.map((g) => col[g]) };
}

/** Sums of daily_rollups grouped by `by`. Bot clicks are not read: reports never count them. Money sums are exact or 409 (exactAmount). */
export async function sumRollups(db: Db, f: RollupFilter, by: readonly RollupGroup[]) {
  const g = groupCols(dailyRollups, by);
  const rows = await db
    .select({
      ...g.select,
      clicks: sql<number>`sum(${dailyRollups.clicks})`,
      uniqueClicks: sql<number>`sum(${dailyRollups.uniqueClicks})`,
      leads: sql<number>`sum(${dailyRollups.leads})`,
      sales: sql<number>`sum(${dailyRollups.sales})`,
      revenue: exactSum(dailyRollups.revenue),
    })
    .from(dailyRollups)
    .where(whereOf(dailyRollups, f))
    .groupBy(...g.group);
  return rows.map((r) => ({
    ...r,
    clicks: Number(r.clicks),
    uniqueClicks: Number(r.uniqueClicks),
    leads: Number(r.leads),
    sales: Number(r.sales),
    revenue: exactAmount(Number(r.revenue), 'revenue'),
  }));
}

/** Sums of daily_commission_rollups grouped by `by` and unit (optionally one unit only). */
export async function sumCommissionRollups(db: Db, f: RollupFilter & { unit?: string }, by: readonly RollupGroup[]) {
  const t = dailyCommissionRollups;
  const g = groupCols(t, by);
  const rows = await db
    .select({ ...g.select, unit: t.unit, amount: exactSum(t.amount) })
    .from(t)
    .where(and(whereOf(t, f), f.unit !== undefined ? eq(t.unit, f.unit) : undefined))
    .groupBy(...g.group, t.unit);
  return rows.map((r) => ({ ...r, amount: exactAmount(Number(r.amount), `commissions in ${r.unit}`) }));
}

/** Partner id → name, for partners of the program only. */
export async function partnerNames(db: Db, programId: string, ids: readonly string[]): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for (const part of chunk([...new Set(ids)].filter(Boolean), 90)) {
    const rows = await db
      .select({ id: partners.id, name: partners.name })
      .from(partners)
      .where(and(eq(partners.programId, programId), inArray(partners.id, part)));
    for (const r of rows) map.set(r.id, r.name);
  }
  return map;
}

/** Ids of the program's suspended partners (few: a leaderboard leaves them out). */
export async function suspendedPartnerIds(db: Db, programId: string): Promise<Set<string>> {
  const rows = await db
    .select({ id: partners.id })
    .from(partners)
    .where(and(eq(partners.programId, programId), eq(partners.status, 'suspended')));
  return new Set(rows.map((r) => r.id));
}

/** Link id → code, for links of the program only. */
export async function linkCodes(db: Db, programId: string, ids: readonly string[]): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for (const part of chunk([...new Set(ids)].filter(Boolean), 90)) {
    const rows = await db
      .select({ id: links.id, code: links.code })
      .from(links)
      .where(and(eq(links.programId, programId), inArray(links.id, part)));
    for (const r of rows) map.set(r.id, r.code);
  }
  return map;
}

/** Partners with a non-bot click, a lead or a sale (by click or by code) on a day in range. */
export async function countActivePartners(db: Db, programId: string, from: string, to: string): Promise<number> {
  const r = dailyRollups;
  const [row] = await db
    .select({ n: countDistinct(r.partnerId) })
    .from(r)
    .where(and(whereOf(r, { programId, dim: 'all', from, to }), or(gt(r.clicks, 0), gt(r.leads, 0), gt(r.sales, 0))));
  return Number(row?.n ?? 0);
}

/** Customers whose current attribution to a partner happened in [fromMs, toMs). */
export async function countReferredCustomers(db: Db, programId: string, fromMs: number, toMs: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(customers)
    .where(
      and(
        eq(customers.programId, programId),
        isNotNull(customers.partnerId),
        gte(customers.attributedAt, new Date(fromMs)),
        lt(customers.attributedAt, new Date(toMs)),
      ),
    );
  return Number(row?.n ?? 0);
}

/** Partner ledger entries in one unit whose event occurred in [fromMs, toMs), summed per status. */
export async function ledgerTotalsByStatus(db: Db, programId: string, unit: string, fromMs: number, toMs: number) {
  const rows = await db
    .select({ status: commissions.status, total: exactSum(commissions.amount) })
    .from(commissions)
    .innerJoin(events, eq(events.id, commissions.eventId))
    .where(
      and(
        eq(commissions.programId, programId),
        eq(commissions.recipient, 'partner'),
        eq(commissions.unit, unit),
        gte(events.occurredAt, new Date(fromMs)),
        lt(events.occurredAt, new Date(toMs)),
      ),
    )
    .groupBy(commissions.status);
  return new Map(rows.map((r) => [r.status, exactAmount(Number(r.total), `${r.status} commissions in ${unit}`)]));
}
