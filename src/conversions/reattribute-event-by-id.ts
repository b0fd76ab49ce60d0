import type { AppDeps } from '../env';
import { findEventById } from '../db/queries/refunds';
import { ConflictError, NotFoundError } from '../lib/errors';
import { reattributeEvent } from './reattribute-event';

/**
 * POST /v1/events/:id/attribute: decides one early event (unattributed `unknown_customer` or
 * `no_referral`) against its customer's attribution now, as a lead of that customer does for up to
 * 50 of them. Any other event is answered as stored (`changed: false`): deciding twice never
 * credits twice. A refund follows its sale (409 `refund_follows_sale`).
 */
export async function reattributeEventById(deps: AppDeps, eventId: string) {
  const found = await findEventById(deps.db, eventId);
  if (!found) throw new NotFoundError('Event');
  if (found.type === 'refund') throw new ConflictError('a refund is attributed with its sale: attribute the sale', 'refund_follows_sale');
  const program = await deps.programCache.program(deps.db, found.programId);
  if (!program) throw new NotFoundError('Event');
  const r = (await reattributeEvent(deps, program, eventId))!;
  return { changed: r.changed, ...(r.event.result as object) };
}
