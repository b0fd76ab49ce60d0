import type { CommissionRow, EventRow } from '../db/queries/conversions';
import { enqueueWebhookStatement } from '../db/queries/webhooks';
import type { RawStatement } from '../db/statements';
import { commissionJson, eventJson } from '../conversions/conversion-json';
import { newSortableId } from '../lib/ids';
import type { WebhookEventType } from './event-types';

const TYPE_OF: Record<EventRow['type'], WebhookEventType> = { lead: 'lead.created', sale: 'sale.created', custom: 'conversion.created', refund: 'refund.created' };

/** The body of one event: `{id, type, createdAt, data}`, data as the admin API shows the object. */
export function webhookPayload(id: string, type: WebhookEventType, at: Date, data: unknown): string {
  return JSON.stringify({ id, type, createdAt: at.toISOString(), data });
}

/**
 * The outbox inserts for a conversion or refund about to be committed: its `lead.created` /
 * `sale.created` / `conversion.created` / `refund.created` and one `commission.created` per ledger
 * entry it books (a refund's reversals and adjustments too, with their negative amounts), for the program's subscribed
 * endpoints. They go into the conversion's own batch, so they exist iff it was written (a replay
 * fails that batch on the event's dedupe key and queues nothing).
 */
export function conversionWebhookStatements(event: EventRow, commissions: readonly CommissionRow[], currency: string, now: Date): RawStatement[] {
  const type = TYPE_OF[event.type];
  const out: RawStatement[] = [];
  const eventId = newSortableId('whe', now.getTime());
  out.push(enqueueWebhookStatement({ programId: event.programId, eventId, type, key: event.id, payload: webhookPayload(eventId, type, now, eventJson(event)), at: now }));
  for (const c of commissions) {
    const id = newSortableId('whe', now.getTime());
    out.push(enqueueWebhookStatement({ programId: event.programId, eventId: id, type: 'commission.created', key: c.id, payload: webhookPayload(id, 'commission.created', now, commissionJson(c, currency)), at: now }));
  }
  return out;
}
