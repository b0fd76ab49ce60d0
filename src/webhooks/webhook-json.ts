import type { WebhookDeliveryRow, WebhookEndpointRow } from '../db/queries/webhooks';

export function webhookEndpointJson(w: WebhookEndpointRow) {
  return {
    id: w.id,
    programId: w.programId,
    url: w.url,
    events: w.events,
    active: w.active,
    description: w.description,
    secretVersion: w.secretVersion,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
  };
}

/** A delivery without its body (the event is named by id and type). */
export function webhookDeliveryJson(d: WebhookDeliveryRow) {
  return {
    id: d.id,
    endpointId: d.endpointId,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
  };
}
