import { expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { schema, type Db } from '../../src/db/client';
import { revokeApiKey } from '../../src/db/queries/api-keys';
import { mintApiKey } from '../../src/api-keys/routes';

const d1 = () => drizzle(env.DB, { schema }) as unknown as Db;

// The last-admin guard is one conditional UPDATE (json_each over the scopes): check it runs on D1.
it('on D1, the last active * key is kept when asked, other keys and a second * key are revoked', async () => {
  const db = d1();
  const now = new Date('2026-03-01T12:00:00.000Z');
  await env.DB.prepare("update api_keys set revoked_at = 1 where revoked_at is null and scopes like '%\"*\"%'").run();
  const admin = await mintApiKey(db, 'admin', ['*'], now);
  const reader = await mintApiKey(db, 'reader', ['programs:read', 'ledger:read'], now);
  expect(await revokeApiKey(db, admin.row.id, now, true)).toBe(false);
  expect(await revokeApiKey(db, reader.row.id, now, true)).toBe(true);
  const second = await mintApiKey(db, 'second', ['programs:write', '*'], now);
  expect(await revokeApiKey(db, admin.row.id, now, true)).toBe(true);
  expect(await revokeApiKey(db, second.row.id, now, true)).toBe(false);
  expect(await revokeApiKey(db, second.row.id, now, false)).toBe(true);
  const { results } = await env.DB.prepare('select id from api_keys where revoked_at is null').all();
  expect(results).toEqual([]);
});
