import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env';
import { requireScope } from '../middleware/auth';
import { validate } from '../lib/validate';
import type { TrackingRequest } from './request-hash';
import { trackLeadSchema, trackRefundSchema, trackSaleSchema, trackEventSchema } from './schemas';
import { trackLead } from './track-lead';
import { trackEvent, trackSale } from './track-sale';
import { trackRefund } from '../ledger/track-refund';

/** The call as sent: each verb tells a replay from a conflict by it (request-hash.ts). */
async function trackingRequest(c: Context<AppEnv>): Promise<TrackingRequest> {
  return { path: new URL(c.req.url).pathname, body: await c.req.json() };
}

export const trackRoutes = new Hono<AppEnv>()
  .use('*', requireScope('conversions:write'))
  // POST /v1/track/lead — a sign-up or other lead; attributes the customer
  .post('/lead', validate('json', trackLeadSchema), async (c) =>
    c.json(await trackLead(c.var.deps, c.req.valid('json'), await trackingRequest(c)) as object),
  )
  // POST /v1/track/sale — a sale of an attributed customer; evaluates reward rules
  .post('/sale', validate('json', trackSaleSchema), async (c) =>
    c.json(await trackSale(c.var.deps, c.req.valid('json'), await trackingRequest(c)) as object),
  )
  // POST /v1/track/event — a custom funnel step such as demo_requested
  .post('/event', validate('json', trackEventSchema), async (c) =>
    c.json(await trackEvent(c.var.deps, c.req.valid('json'), await trackingRequest(c)) as object),
  )
  // POST /v1/track/refund — a full or partial refund; reverses commissions proportionally
  .post('/refund', validate('json', trackRefundSchema), async (c) =>
    c.json(await trackRefund(c.var.deps, c.req.valid('json'), await trackingRequest(c)) as object),
  );
