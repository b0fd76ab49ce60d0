import type { AppDeps } from '../env';
import { errorText } from '../db/client';
import { findEarlyEvents, type EventRow } from '../db/queries/conversions';
import type { ProgramRow } from '../db/queries/programs';
import { isEarlyEvent, reattributeEvent } from './reattribute-event';

/**
 * How many early events one call decides: a lead's answer never waits on an unbounded backlog. The
 * rest are decided by the customer's next lead call (a replay of the same lead too) or one by one
 * with POST /v1/events/:id/attribute.
 */
export const EARLY_EVENTS_PER_CALL = 50;

/**
 * After a lead whose customer is attributed (now or before: a replay also resumes a run cut short),
 * decides the customer's earlier events that were left unattributed because it had no partner then
 * (a checkout webhook that beat the sign-up call): oldest first, at most EARLY_EVENTS_PER_CALL, each
 * in its own batch (reattributeEvent). The lead is already recorded: a failure here is logged and
 * leaves the events for the next call, it never fails the lead. Returns how many were decided.
 */
export async function reattributeEarlyEvents(deps: AppDeps, program: ProgramRow, customerExternalId: string): Promise<number> {
  try {
    const early = await findEarlyEvents(deps.db, program.id, customerExternalId, EARLY_EVENTS_PER_CALL);
    let decided = 0;
    for (const e of early) if ((await reattributeEvent(deps, program, e.id))?.changed) decided++;
    return decided;
  } catch (err) {
    console.error('early events not attributed; the next lead of the customer retries', { programId: program.id, error: errorText(err).trim() });
    return 0;
  }
}

/**
 * After an event was stored as early, its customer may have been attributed meanwhile (a lead
 * committed between this event's read and its batch, and the lead's own pass ran before this event
 * was visible): decides it now, so no interleaving leaves it unattributed. Returns the event's new
 * answer, or null when nothing changed (the common case: one read of the customer).
 */
export async function reattributeIfAttributedMeanwhile(deps: AppDeps, program: ProgramRow, event: EventRow): Promise<unknown | null> {
  if (!isEarlyEvent(event)) return null;
  try {
    const r = await reattributeEvent(deps, program, event.id);
    return r?.changed ? r.event.result : null;
  } catch (err) {
    console.error('early event not attributed; the next lead of the customer retries', { programId: program.id, eventId: event.id, error: errorText(err).trim() });
    return null;
  }
}
