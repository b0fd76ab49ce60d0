import { addExact } from '../lib/money';

/** The figures of one report row (or the totals); amounts in minor units. */
export interface Metrics {
  clicks: number;
  uniqueClicks: number;
  leads: number;
  /**
   * Leads that came through a click (not by referral code); null where the rollups cannot tell
   * (groupBy link or campaign, or a campaign filter; see clickLeadsOf).
   */
  clickLeads: number | null;
  sales: number;
  revenue: number;
  commissions: { unit: string; amount: number }[];
  /** clickLeads / uniqueClicks (see conversionRate); null with clickLeads. */
  conversionRate: number | null;
}

export interface Counts {
  clicks: number;
  uniqueClicks: number;
  leads: number;
  sales: number;
  revenue: number;
}

/** Counts plus commissions per unit, summed while rows are bucketed. */
export interface Acc extends Counts {
  units: Map<string, number>;
}

export const emptyAcc = (): Acc => ({ clicks: 0, uniqueClicks: 0, leads: 0, sales: 0, revenue: 0, units: new Map() });

export function addCounts(acc: Acc, c: Counts): void {
  acc.clicks += c.clicks;
  acc.uniqueClicks += c.uniqueClicks;
  acc.leads += c.leads;
  acc.sales += c.sales;
  acc.revenue = addExact(acc.revenue, c.revenue, 'revenue');
}

export function addUnit(acc: Acc, unit: string, amount: number): void {
  acc.units.set(unit, addExact(acc.units.get(unit) ?? 0, amount, `commissions in ${unit}`));
}

/**
 * Click-attributed leads / unique clicks, 4 decimals, at most 1; 0 without unique clicks, null
 * when the click-attributed leads are unknown. Leads by referral code have no click, so they are
 * not divided by clicks; a lead counts on its own day, so a short range can hold leads of clicks
 * made before it — the cap keeps that from reading as more than 100 %.
 */
export function conversionRate(clickLeads: number | null, uniqueClicks: number): number | null {
  if (clickLeads === null) return null;
  return uniqueClicks > 0 ? Math.min(1, Math.round((clickLeads / uniqueClicks) * 10_000) / 10_000) : 0;
}

/** Units whose entries net to zero are left out; units sorted by code. */
export function metricsOf(acc: Acc, clickLeads: number | null): Metrics {
  const commissions = [...acc.units]
    .filter(([, amount]) => amount !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([unit, amount]) => ({ unit, amount }));
  const { clicks, uniqueClicks, leads, sales, revenue } = acc;
  return { clicks, uniqueClicks, leads, clickLeads, sales, revenue, commissions, conversionRate: conversionRate(clickLeads, uniqueClicks) };
}

/** A row counts as activity when any figure is non-zero (bot clicks are not a figure). */
export const hasActivity = (m: Metrics) =>
  m.clicks !== 0 || m.uniqueClicks !== 0 || m.leads !== 0 || m.sales !== 0 || m.revenue !== 0 || m.commissions.length > 0;
