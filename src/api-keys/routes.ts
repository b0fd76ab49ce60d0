import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { requireScope, SCOPES } from '../middleware/auth';
import { validate } from '../lib/validate';
import { listQuery } from '../lib/schemas';
import { page } from '../lib/pagination';
import { ConflictError, NotFoundError } from '../lib/errors';
import { getApiKey, insertApiKey, listApiKeys, revokeApiKey } from '../db/queries/api-keys';
import { newId } from '../lib/ids';
import { randomToken, sha256Hex } from '../lib/hash';
import type { apiKeys } from '../db/schema';

const createKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.enum(SCOPES as [string, ...string[]])).min(1).max(SCOPES.length),
});

function keyJson(k: typeof apiKeys.$inferSelect) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    createdAt: k.createdAt.toISOString(),
    revokedAt: k.revokedAt?.toISOString() ?? null,
  };
}

/** Mints an `rk_` key; only its SHA-256 and a display prefix are kept. */
export async function mintApiKey(db: AppEnv['Variables']['deps']['db'], name: string, scopes: string[], now: Date) {
  const secret = `rk_${randomToken(24)}`;
  const row = { id: newId('key'), name, prefix: secret.slice(0, 7), hash: await sha256Hex(secret), scopes: [...new Set(scopes)], createdAt: now, revokedAt: null };
  await insertApiKey(db, row);
  return { row, secret };
}

export const apiKeyRoutes = new Hono<AppEnv>()
  // POST /v1/api-keys — create a scoped key; the secret is shown once
  .post('/', requireScope('*'), validate('json', createKeySchema), async (c) => {
    const { name, scopes } = c.req.valid('json');
    const { row, secret } = await mintApiKey(c.var.deps.db, name, scopes, c.var.deps.clock());
    c.header('Cache-Control', 'no-store');
    return c.json({ ...keyJson(row), key: secret }, 201);
  })
  // GET /v1/api-keys — list keys (never their secrets), oldest first
  .get('/', requireScope('*'), validate('query', listQuery), async (c) => {
    const { limit, cursor } = c.req.valid('query');
    return c.json(page(await listApiKeys(c.var.deps.db, limit, cursor), limit, keyJson));
  })
  // DELETE /v1/api-keys/:keyId — revoke (never the last * key while no root key is configured:
  // nobody could mint or revoke keys any more until a restart with ADMIN_API_KEY)
  .delete('/:keyId', requireScope('*'), async (c) => {
    const { db, clock, config } = c.var.deps;
    const id = c.req.param('keyId');
    const revoked = await revokeApiKey(db, id, clock(), config.adminKeyHash === null);
    const row = await getApiKey(db, id);
    if (!row) throw new NotFoundError('API key');
    if (!revoked && row.revokedAt === null) {
      throw new ConflictError('This is the last admin (*) key: mint another * key before revoking it', 'last_admin_key');
    }
    return c.json(keyJson(row));
  });
