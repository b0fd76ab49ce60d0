/** Every event a webhook endpoint can subscribe to. */
export const WEBHOOK_EVENT_TYPES = [
  'lead.created',
  'sale.created',
  'conversion.created',
  'refund.created',
  'commission.created',
  'payout.created',
  'payout.paid',
  'payout.canceled',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** A program has at most this many endpoints (409 when full). */
export const MAX_WEBHOOK_ENDPOINTS = 20;
