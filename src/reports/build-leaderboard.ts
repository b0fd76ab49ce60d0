import type { Db } from '../db/client';
import { findProgram } from '../db/queries/programs';
import { partnerNames, sumCommissionRollups, sumRollups, suspendedPartnerIds } from '../db/queries/reports';
import { NotFoundError } from '../lib/errors';
import { addExact } from '../lib/money';
import type { LeaderboardMetric } from './schemas';

export interface LeaderboardEntry {
  rank: number;
  partnerId: string;
  partnerName: string | null;
  value: number;
}

interface Standing {
  partnerId: string;
  value: number;
  /** The first day on which the partner's running total equalled its final value. */
  reachedOn: string;
}

/**
 * Ranks partners by their final values; a tie goes to whoever got there first (the earliest day
 * on which the running total reached the final value), then to the smaller partner id.
 * Partners whose value is 0 are not listed.
 */
export function rankPartners(daily: readonly { partnerId: string; day: string; value: number }[]): Standing[] {
  const byPartner = new Map<string, { day: string; value: number }[]>();
  for (const d of daily) (byPartner.get(d.partnerId) ?? byPartner.set(d.partnerId, []).get(d.partnerId)!).push(d);
  const standings: Standing[] = [];
  for (const [partnerId, days] of byPartner) {
    days.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
    const value = days.reduce((s, d) => addExact(s, d.value, 'a partner total'), 0);
    if (value === 0) continue;
    let running = 0;
    let reachedOn = days[days.length - 1]!.day;
    for (const d of days) {
      running += d.value;
      if (running === value) {
        reachedOn = d.day;
        break;
      }
    }
    standings.push({ partnerId, value, reachedOn });
  }
  return standings.sort(
    (a, b) =>
      b.value - a.value ||
      (a.reachedOn < b.reachedOn ? -1 : a.reachedOn > b.reachedOn ? 1 : 0) ||
      (a.partnerId < b.partnerId ? -1 : a.partnerId > b.partnerId ? 1 : 0),
  );
}

/**
 * Top partners of a program over inclusive UTC days, from the daily rollups (dimension 'all').
 * `activeOnly` (what partners see) leaves suspended partners out before the top is cut, so the
 * board still lists `limit` partners when there are enough.
 */
export async function buildLeaderboard(input: { db: Db; programId: string; from: string; to: string; metric: LeaderboardMetric; limit: number; activeOnly?: boolean }) {
  const { db, programId, from, to, metric, limit } = input;
  const program = await findProgram(db, programId);
  if (!program) throw new NotFoundError('Program');
  const filter = { programId, dim: 'all', key: '', from, to };
  // Commissions only in the program currency: other units (points, MB) do not add up with money.
  const daily =
    metric === 'commissions'
      ? (await sumCommissionRollups(db, { ...filter, unit: program.currency }, ['partner', 'day'])).map((r) => ({ ...r, value: r.amount }))
      : (await sumRollups(db, filter, ['partner', 'day'])).map((r) => ({ ...r, value: r[metric] }));
  const suspended = input.activeOnly ? await suspendedPartnerIds(db, programId) : new Set<string>();
  const top = rankPartners(daily).filter((s) => !suspended.has(s.partnerId)).slice(0, limit);
  const names = await partnerNames(db, programId, top.map((s) => s.partnerId));
  const data: LeaderboardEntry[] = top.map((s, i) => ({ rank: i + 1, partnerId: s.partnerId, partnerName: names.get(s.partnerId) ?? null, value: s.value }));
  return { metric, currency: program.currency, from, to, data };
}
