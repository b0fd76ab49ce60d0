import type { Db } from '../db/client';
import type { ProgramRow } from '../db/queries/programs';
import { bumpWebhookSecretVersion, findWebhookEndpoint, insertWebhookEndpoint, updateWebhookEndpoint, type WebhookEndpointRow } from '../db/queries/webhooks';
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors';
import { newId } from '../lib/ids';
import { checkWebhookUrl } from './check-webhook-url';
import { MAX_WEBHOOK_ENDPOINTS } from './event-types';
import type { CreateWebhookInput, UpdateWebhookInput } from './schemas';
import { deriveWebhookSecret } from './sign-webhook';

function urlOrThrow(raw: string, allowHttp: boolean): string {
  const check = checkWebhookUrl(raw, allowHttp);
  if (!check.ok) throw new ValidationError('url', check.message, check.reason);
  return check.url;
}

/** Adds an endpoint (at most MAX_WEBHOOK_ENDPOINTS a program, checked in the insert); returns it with its secret, shown this once. */
export async function createWebhookEndpoint({ db, now, program, input, rootKey, allowHttp }: { db: Db; now: Date; program: ProgramRow; input: CreateWebhookInput; rootKey: string; allowHttp: boolean }) {
  const row: WebhookEndpointRow = {
    id: newId('whk'),
    programId: program.id,
    url: urlOrThrow(input.url, allowHttp),
    events: input.events,
    active: input.active,
    description: input.description || null,
    secretVersion: 1,
    createdAt: now,
    updatedAt: now,
  };
  if (!(await insertWebhookEndpoint(db, row, MAX_WEBHOOK_ENDPOINTS))) {
    throw new ConflictError(`a program has at most ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints; delete one first`, 'too_many_webhooks');
  }
  return { row, secret: await deriveWebhookSecret(rootKey, row.id, row.secretVersion) };
}

export async function patchWebhookEndpoint({ db, now, id, input, allowHttp }: { db: Db; now: Date; id: string; input: UpdateWebhookInput; allowHttp: boolean }) {
  const patch: Parameters<typeof updateWebhookEndpoint>[2] = {};
  if (input.url !== undefined) patch.url = urlOrThrow(input.url, allowHttp);
  if (input.events !== undefined) patch.events = input.events;
  if (input.active !== undefined) patch.active = input.active;
  if (input.description !== undefined) patch.description = input.description || null;
  const row = await updateWebhookEndpoint(db, id, patch, now);
  if (!row) throw new NotFoundError('Webhook');
  return row;
}

/** A new secret (the version after the current); deliveries signed from now on use it, the old one stops. */
export async function rotateWebhookSecret({ db, now, id, rootKey }: { db: Db; now: Date; id: string; rootKey: string }) {
  if (!(await findWebhookEndpoint(db, id))) throw new NotFoundError('Webhook');
  const row = await bumpWebhookSecretVersion(db, id, now);
  if (!row) throw new NotFoundError('Webhook');
  return { row, secret: await deriveWebhookSecret(rootKey, row.id, row.secretVersion) };
}
