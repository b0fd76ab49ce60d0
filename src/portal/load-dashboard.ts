import type { Db } from '../db/client';
import { findPartnerWithProgram, listPartnerCommissions } from '../db/queries/me';
import { listLinksOfPartner } from '../db/queries/links';
import { listPayouts } from '../db/queries/ledger';
import { partnerDailySeries } from '../db/queries/portal';
import { balanceOf } from '../ledger/balance-of';
import { DAY_MS } from '../lib/time';
import { utcDay } from '../reports/rollup-deltas';

export interface DaySeries {
  day: string;
  clicks: number;
  leads: number;
  sales: number;
}

/** Every day of the range, zero-filled, oldest first. */
export function fillDays(rows: readonly DaySeries[], toDay: Date, days: number): DaySeries[] {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const out: DaySeries[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const day = utcDay(new Date(toDay.getTime() - i * DAY_MS));
    out.push(byDay.get(day) ?? { day, clicks: 0, leads: 0, sales: 0 });
  }
  return out;
}

/** How many of each list the page shows, newest first (each query reads one more to tell). */
export const SHOWN = { links: 50, commissions: 50, payouts: 20 } as const;

/** Everything the portal page shows, all scoped to the signed-in partner. */
export async function loadDashboard(db: Db, me: { partnerId: string; programId: string }, now: Date, days: number) {
  const found = await findPartnerWithProgram(db, me.partnerId, me.programId);
  if (!found) return null;
  const from = utcDay(new Date(now.getTime() - (days - 1) * DAY_MS));
  const [links, balances, commissions, payouts, series] = await Promise.all([
    listLinksOfPartner(db, me.partnerId, SHOWN.links),
    balanceOf(db, me.partnerId),
    listPartnerCommissions(db, { ...me, limit: SHOWN.commissions }),
    listPayouts(db, { ...me, limit: SHOWN.payouts }),
    partnerDailySeries(db, me.programId, me.partnerId, from, utcDay(now)),
  ]);
  return {
    ...found,
    links: links.slice(0, SHOWN.links),
    balances,
    commissions: commissions.slice(0, SHOWN.commissions),
    payouts: payouts.slice(0, SHOWN.payouts),
    /** Lists with older rows than the page shows. */
    more: { links: links.length > SHOWN.links, commissions: commissions.length > SHOWN.commissions, payouts: payouts.length > SHOWN.payouts },
    series: fillDays(series, now, days),
  };
}

export type Dashboard = NonNullable<Awaited<ReturnType<typeof loadDashboard>>>;
