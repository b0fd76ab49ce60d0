import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { requireScope } from '../middleware/auth';
import { validate } from '../lib/validate';
import { listQuery } from '../lib/schemas';
import { page } from '../lib/pagination';
import { ConflictError, NotFoundError } from '../lib/errors';
import { findProgram } from '../db/queries/programs';
import { deleteWebhookEndpoint, findWebhookDelivery, findWebhookEndpoint, listWebhookDeliveries, listWebhookEndpoints, retryWebhookDelivery } from '../db/queries/webhooks';
import type { Db } from '../db/client';
import { createWebhookSchema, deliveryListQuery, updateWebhookSchema } from './schemas';
import { createWebhookEndpoint, patchWebhookEndpoint, rotateWebhookSecret } from './save-webhook-endpoint';
import { webhookDeliveryJson, webhookEndpointJson } from './webhook-json';
import { webhookRootKeyOrThrow } from './root-key';

async function endpointOrThrow(db: Db, id: string) {
  const row = await findWebhookEndpoint(db, id);
  if (!row) throw new NotFoundError('Webhook');
  return row;
}

export const webhookRoutes = new Hono<AppEnv>()
  // POST /v1/programs/:programId/webhooks — add an endpoint; its signing secret is in this answer only.
  // ledger:read as well (and for a PATCH, which can move the URL): the events carry conversions and
  // ledger entries, so programs:write alone must not be a way around that scope.
  .post('/programs/:programId/webhooks', requireScope('programs:write', 'ledger:read'), validate('json', createWebhookSchema), async (c) => {
    const { db, clock, config } = c.var.deps;
    const rootKey = webhookRootKeyOrThrow(config);
    const program = await findProgram(db, c.req.param('programId'));
    if (!program) throw new NotFoundError('Program');
    const { row, secret } = await createWebhookEndpoint({ db, now: clock(), program, input: c.req.valid('json'), rootKey, allowHttp: config.webhooksAllowHttp === true });
    c.header('Cache-Control', 'no-store'); // carries the secret: never kept by the Idempotency-Key store
    return c.json({ ...webhookEndpointJson(row), secret }, 201);
  })
  // GET /v1/programs/:programId/webhooks — the program's endpoints, newest first
  .get('/programs/:programId/webhooks', requireScope('programs:read'), validate('query', listQuery), async (c) => {
    const { db } = c.var.deps;
    const { limit, cursor } = c.req.valid('query');
    const program = await findProgram(db, c.req.param('programId'));
    if (!program) throw new NotFoundError('Program');
    return c.json(page(await listWebhookEndpoints(db, program.id, limit, cursor), limit, webhookEndpointJson));
  })
  // GET /v1/webhooks/:webhookId
  .get('/webhooks/:webhookId', requireScope('programs:read'), async (c) => {
    return c.json(webhookEndpointJson(await endpointOrThrow(c.var.deps.db, c.req.param('webhookId'))));
  })
  // PATCH /v1/webhooks/:webhookId — url, events, active, description
  .patch('/webhooks/:webhookId', requireScope('programs:write', 'ledger:read'), validate('json', updateWebhookSchema), async (c) => {
    const { db, clock, config } = c.var.deps;
    const row = await patchWebhookEndpoint({ db, now: clock(), id: c.req.param('webhookId'), input: c.req.valid('json'), allowHttp: config.webhooksAllowHttp === true });
    return c.json(webhookEndpointJson(row));
  })
  // DELETE /v1/webhooks/:webhookId — the endpoint and its deliveries (pending ones are not sent)
  .delete('/webhooks/:webhookId', requireScope('programs:write'), async (c) => {
    const id = c.req.param('webhookId');
    if (!(await deleteWebhookEndpoint(c.var.deps.db, id))) throw new NotFoundError('Webhook');
    return c.json({ id, deleted: true });
  })
  // POST /v1/webhooks/:webhookId/rotate-secret — a new secret (shown once); the old one stops signing at once
  .post('/webhooks/:webhookId/rotate-secret', requireScope('programs:write'), async (c) => {
    const { db, clock, config } = c.var.deps;
    const { row, secret } = await rotateWebhookSecret({ db, now: clock(), id: c.req.param('webhookId'), rootKey: webhookRootKeyOrThrow(config) });
    c.header('Cache-Control', 'no-store');
    return c.json({ ...webhookEndpointJson(row), secret });
  })
  // GET /v1/webhooks/:webhookId/deliveries?status — newest first, without bodies
  .get('/webhooks/:webhookId/deliveries', requireScope('programs:read'), validate('query', deliveryListQuery), async (c) => {
    const { db } = c.var.deps;
    const { limit, cursor, status } = c.req.valid('query');
    const endpoint = await endpointOrThrow(db, c.req.param('webhookId'));
    return c.json(page(await listWebhookDeliveries(db, endpoint.id, limit, cursor, status), limit, webhookDeliveryJson));
  })
  // POST /v1/webhooks/:webhookId/deliveries/:deliveryId/retry — due now (again after delivered or failed)
  .post('/webhooks/:webhookId/deliveries/:deliveryId/retry', requireScope('programs:write'), async (c) => {
    const { db, clock } = c.var.deps;
    const endpointId = c.req.param('webhookId');
    const id = c.req.param('deliveryId');
    if (!(await findWebhookDelivery(db, endpointId, id))) throw new NotFoundError('Delivery');
    const row = await retryWebhookDelivery(db, endpointId, id, clock());
    if (!row) throw new ConflictError('An attempt of this delivery is in flight; retry after it finishes', 'delivery_in_flight');
    return c.json(webhookDeliveryJson(row));
  });
