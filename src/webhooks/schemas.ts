import { z } from 'zod';
import { listQuery } from '../lib/schemas';
import { WEBHOOK_EVENT_TYPES } from './event-types';

const events = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .min(1, `must name at least one event: ${WEBHOOK_EVENT_TYPES.join(', ')}`)
  .max(WEBHOOK_EVENT_TYPES.length * 2)
  .transform((list) => [...new Set(list)]);

// The URL's own rules (https, no credentials, length) are checked by checkWebhookUrl with reasons.
const fields = {
  url: z.string().max(4096),
  events,
  active: z.boolean(),
  description: z.string().trim().max(500).nullable(),
};

export const createWebhookSchema = z.strictObject({ ...fields, active: fields.active.default(true), description: fields.description.optional() });
export type CreateWebhookInput = z.infer<typeof createWebhookSchema>;

export const updateWebhookSchema = z
  .strictObject({ url: fields.url.optional(), events: events.optional(), active: fields.active.optional(), description: fields.description.optional() })
  .refine((p) => Object.values(p).some((v) => v !== undefined), { message: 'send at least one of url, events, active, description' });
export type UpdateWebhookInput = z.infer<typeof updateWebhookSchema>;

export const deliveryListQuery = listQuery.extend({ status: z.enum(['pending', 'delivered', 'failed']).optional() });
