import type { AppDeps } from '../env';
import {
  bumpCounterStatement,
  EARLY_REASONS,
  findCustomerForConversion,
  findProgramEvent,
  findRefundsOfSale,
  insertCommissionsStatements,
  readCounters,
  reattributeEventStatement,
  type EventRow,
  type Statement,
} from '../db/queries/conversions';
import { findTouchAt } from '../db/queries/attribution-history';
import type { ProgramRow } from '../db/queries/programs';
import { executeBatch } from '../db/statements';
import { eventRollupStatements } from '../reports/event-rollups';
import { commissionJson, customerJson, eventJson } from './conversion-json';
import { touchOf } from './load-customer';
import { evaluateCommissions } from './evaluate-commissions';
import { reversalsOfEarlyRefunds } from './reattribute-refunds';
import { needsEarlierTouch, touchAtOccurrence } from './resolve-attribution';
import { isSelfReferral } from './self-referral';
import { withConversionRetry } from './with-retry';

/** An event left unattributed because its customer had no partner yet (and not a refund: it follows its sale). */
export function isEarlyEvent(e: Pick<EventRow, 'type' | 'status' | 'reason'>): boolean {
  return e.type !== 'refund' && e.status === 'unattributed' && (EARLY_REASONS as readonly (string | null)[]).includes(e.reason);
}

/**
 * Decides an early event again against its customer's attribution as it is now, as if the event
 * arrived now with its own occurredAt (trackCustomerConversion's rules): the touch current at its
 * occurredAt earns it (`attributed`, with commissions, counters and rollups), unless the event
 * happened before every touch (`outside_window`, nothing earned), or the partner is suspended or the
 * customer itself (`rejected`). Refunds recorded meanwhile follow their sale and book their
 * reversals. One batch per event; a once-only counter (`attributed|<eventId>`) and the sale's refund
 * counter make two concurrent runs, or a run racing a refund, fail all but one batch (the loser
 * re-reads and finds the event decided). Returns the event's stored answer (its replay) after the
 * run, or null when it is not an event of the program; an event that is not early, or whose
 * customer still has no partner, is left as it is.
 */
export async function reattributeEvent(deps: AppDeps, program: ProgramRow, eventId: string): Promise<{ event: EventRow; changed: boolean } | null> {
  const { db } = deps;
  return withConversionRetry(async () => {
    const event = await findProgramEvent(db, program.id, eventId);
    if (!event) return null;
    if (!isEarlyEvent(event) || !event.customerExternalId) return { event, changed: false };
    const found = await findCustomerForConversion(db, program.id, event.customerExternalId);
    const customer = found?.customer ?? null;
    const current = touchOf(customer);
    if (!customer || !current) return { event, changed: false };

    const model = program.attributionModel;
    const earlier = needsEarlierTouch(model, current, event.occurredAt) ? await findTouchAt(db, program.id, customer.id, event.occurredAt) : null;
    const touch = touchAtOccurrence(model, current, event.occurredAt, earlier?.touch ?? null);
    const partner = earlier ? earlier.partner : found!.partner ? { ...found!.partner, status: found!.partnerStatus } : null;
    let status: EventRow['status'] = 'unattributed';
    let reason: string | null = 'outside_window'; // it happened before every referral of its customer
    if (touch && partner && isSelfReferral(partner, customer)) {
      status = 'rejected';
      reason = 'self_referral';
    } else if (touch) {
      status = partner?.status === 'active' ? 'attributed' : 'rejected';
      reason = status === 'attributed' ? null : 'partner_suspended';
    }
    const attributed = status === 'attributed' ? touch : null;
    const now = deps.clock();
    const moved: EventRow = { ...event, status, reason, partnerId: attributed?.partnerId ?? null, linkId: attributed?.linkId ?? null, clickId: attributed?.clickId ?? null };
    const refundKey = `refund|${event.id}`;
    const onceKey = `attributed|${event.id}`;
    // The counters before the refunds: a refund committed after this read moves the version the
    // batch checks (redone), one committed before it is in the list below.
    const counters = await readCounters(db, event.type === 'sale' ? [refundKey, onceKey] : [onceKey]);
    const refunds = event.type === 'sale' ? await findRefundsOfSale(db, event.id) : [];
    // Decided by another run since this one read the event: answer it as it is now, never decide twice.
    if (counters.has(onceKey)) return { event: (await findProgramEvent(db, program.id, eventId)) ?? event, changed: false };

    const commit = async () => {
      const evaluated = attributed ? await evaluateCommissions(deps, program, { ...event, eventId: event.id, customerId: event.customerId! }, attributed, now) : { commissions: [], skipped: [], statements: [] };
      const reversals = reversalsOfEarlyRefunds(event, evaluated.commissions, refunds, now);
      const dims = earlier ? earlier.dims : found!.dims;
      moved.result = {
        customer: customerJson(customer),
        event: eventJson(moved),
        commissions: evaluated.commissions.map((c) => commissionJson(c, program.currency)),
        skipped: evaluated.skipped,
      };
      const statements: Statement[] = [
        // Fails the batch (NOT NULL on count, retryable) when another run already took this event.
        bumpCounterStatement(db, onceKey, null, 1, 0, crypto.randomUUID()),
        reattributeEventStatement(db, event, moved),
        ...evaluated.statements,
      ];
      if (event.type === 'sale') {
        // A refund of this sale recorded after the reads above moved this counter: redo from fresh reads.
        const c = counters.get(refundKey);
        statements.push(bumpCounterStatement(db, refundKey, c?.version ?? null, 0, 0, crypto.randomUUID()));
      }
      if (evaluated.commissions.length > 0) statements.push(...insertCommissionsStatements(db, evaluated.commissions));
      statements.push(...(await eventRollupStatements(db, moved, evaluated.commissions, dims)));
      for (const refund of refunds) {
        const entries = reversals.get(refund.id) ?? [];
        const movedRefund: EventRow = { ...refund, status, reason, partnerId: moved.partnerId, linkId: moved.linkId, clickId: moved.clickId };
        movedRefund.result = { event: eventJson(movedRefund), commissions: entries.map((c) => commissionJson(c, program.currency)) };
        statements.push(reattributeEventStatement(db, refund, movedRefund));
        if (entries.length > 0) statements.push(...insertCommissionsStatements(db, entries));
        statements.push(...(await eventRollupStatements(db, movedRefund, entries, dims)));
      }
      await executeBatch(db, statements); // the event, its refunds, their entries, counters and rollups: all or nothing
      return { event: moved, changed: true };
    };
    return attributed ? deps.locks.run(`conv:${attributed.partnerId}`, commit) : commit();
  });
}
