import type { Db } from '../db/client';
import { findProgram } from '../db/queries/programs';
import { countActivePartners, countReferredCustomers, ledgerTotalsByStatus, sumCommissionRollups, sumRollups } from '../db/queries/reports';
import { NotFoundError } from '../lib/errors';
import { addExact } from '../lib/money';
import type { DayRange } from './date-range';
import { CLICK_DIM } from './click-leads';
import { conversionRate } from './report-rows';

/**
 * Headline numbers of a program over inclusive UTC days.
 * From the rollups (dimension 'all'): activePartners (a human click, a lead or a sale in range),
 * revenue, and the commissions
 * behind payoutRatio (partner entries in the program currency, on their event's day).
 * conversionRate: click-attributed leads (dimension 'device', see click-leads) / unique clicks.
 * From the customers table: referredCustomers (current attribution made in range).
 * From the ledger: commissionsOwed (pending + approved) and commissionsPaid — partner entries in
 * the program currency whose event occurred in range, by their status now.
 */
export async function buildKpis({ db, programId, range }: { db: Db; programId: string; range: DayRange }) {
  const program = await findProgram(db, programId);
  if (!program) throw new NotFoundError('Program');
  const filter = { programId, dim: 'all', key: '', from: range.from, to: range.to };
  const [counts, clickCounts, units, activePartners, referredCustomers, ledger] = await Promise.all([
    sumRollups(db, filter, []),
    sumRollups(db, { programId, dim: CLICK_DIM, keyNotEmpty: true, from: range.from, to: range.to }, []),
    sumCommissionRollups(db, { ...filter, unit: program.currency }, []),
    countActivePartners(db, programId, range.from, range.to),
    countReferredCustomers(db, programId, range.fromMs, range.toMs),
    ledgerTotalsByStatus(db, programId, program.currency, range.fromMs, range.toMs),
  ]);
  const uniqueClicks = counts[0]?.uniqueClicks ?? 0;
  const revenue = counts[0]?.revenue ?? 0;
  const commissions = units[0]?.amount ?? 0;
  return {
    from: range.from,
    to: range.to,
    currency: program.currency,
    activePartners,
    referredCustomers,
    conversionRate: conversionRate(clickCounts[0]?.leads ?? 0, uniqueClicks),
    revenue,
    commissionsOwed: addExact(ledger.get('pending') ?? 0, ledger.get('approved') ?? 0, 'commissions owed'),
    commissionsPaid: ledger.get('paid') ?? 0,
    payoutRatio: revenue > 0 ? Math.round((commissions / revenue) * 10_000) / 10_000 : 0,
  };
}
