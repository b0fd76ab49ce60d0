import type { Db } from '../db/client';
import type { CommissionRow, EventRow } from '../db/queries/conversions';
import { dimFactsOf, rollupStatements } from '../db/queries/rollups';
import { commissionDeltasFor, deltasFor, mergeCommissionDeltas, type DimFacts } from './rollup-deltas';

/**
 * Rollup upserts for one recorded event and the ledger entries it booked, to be written in the
 * event's own batch. Only attributed events count: leads, sales (+revenue), refunds (−revenue);
 * partner-recipient entries count as commissions on the event's UTC day. `dims`, when the caller
 * already read them, must be those of the event's own click and link.
 */
export async function eventRollupStatements(db: Db, event: EventRow, entries: readonly CommissionRow[], dims?: DimFacts) {
  if (event.status !== 'attributed' || !event.partnerId) return [];
  const base = { programId: event.programId, partnerId: event.partnerId, at: event.occurredAt };
  const facts = dims ?? (await dimFactsOf(db, event.clickId, event.linkId));
  const counts =
    event.type === 'lead'
      ? { leads: 1 }
      : event.type === 'sale'
        ? { sales: 1, revenue: event.amount ?? 0 }
        : event.type === 'refund'
          ? { revenue: -(event.amount ?? 0) }
          : null;
  const commissionDeltas = mergeCommissionDeltas(
    entries.filter((e) => e.recipient === 'partner').flatMap((e) => commissionDeltasFor(base, facts, e.unit, e.amount)),
  );
  return rollupStatements(db, counts ? deltasFor(base, facts, counts) : [], commissionDeltas);
}
