import type { Db } from '../db/client';
import { findPartnerWithProgram, listPartnerCommissions } from '../db/queries/me';
import { listLinksOfPartner } from '../db/queries/links';
import { listPayouts } from '../db/queries/ledger';
import { partnerDailySeries } from '../db/queries/portal';
import { balanceOf } from '../ledger/balance-of';
import { DAY_MS } from '../lib/time';
import { buildLeaderboard } from '../reports/build-leaderboard';
import { utcDay } from '../reports/rollup-deltas';
import { leaderboardName } from './leaderboard-name';

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

/**
 * The program's sales leaderboard as partners see it (when the program enables it): suspended
 * partners left out, others by first name and initial, the signed-in partner by its own name.
 */
export async function loadLeaderboard(db: Db, me: { partnerId: string; programId: string }, from: string, to: string) {
  const board = await buildLeaderboard({ db, programId: me.programId, from, to, metric: 'sales', limit: 10, activeOnly: true });
  return board.data.map((r) => ({ ...r, partnerName: r.partnerId === me.partnerId ? (r.partnerName ?? '—') : leaderboardName(r.partnerName) }));
}

/** Everything the portal page shows, all scoped to the signed-in partner. */
export async function loadDashboard(db: Db, me: { partnerId: string; programId: string }, now: Date, days: number) {
  const found = await findPartnerWithProgram(db, me.partnerId, me.programId);
  if (!found) return null;
  const from = utcDay(new Date(now.getTime() - (days - 1) * DAY_MS));
  const [links, balances, commissions, payouts, series, leaderboard] = await Promise.all([
    listLinksOfPartner(db, me.partnerId, SHOWN.links),
    balanceOf(db, me.partnerId),
    listPartnerCommissions(db, { ...me, limit: SHOWN.commissions }),
    listPayouts(db, { ...me, limit: SHOWN.payouts }),
    partnerDailySeries(db, me.programId, me.partnerId, from, utcDay(now)),
    found.program.leaderboardEnabled ? loadLeaderboard(db, me, from, utcDay(now)) : null,
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
    /** null when the program has no leaderboard. */
    leaderboard,
  };
}

export type Dashboard = NonNullable<Awaited<ReturnType<typeof loadDashboard>>>;
