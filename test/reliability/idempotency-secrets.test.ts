import { expect, it } from 'vitest';
import { makeApp } from '../helpers/app';
import { idempotencyKeys } from '../../src/db/schema';

it('a response carrying a secret (new API key) is never stored under an Idempotency-Key', async () => {
  const t = await makeApp();
  const body = { name: 'ci', scopes: ['conversions:write'] };
  const first = await t.json('POST', '/v1/api-keys', body, { 'idempotency-key': 'k-1' });
  expect(first.status).toBe(201);
  expect(first.res.headers.get('cache-control')).toBe('no-store');
  expect(await t.db.select().from(idempotencyKeys)).toEqual([]);
  // A retry runs again (a second key) instead of replaying the first secret from storage.
  const again = await t.json('POST', '/v1/api-keys', body, { 'idempotency-key': 'k-1' });
  expect(again.status).toBe(201);
  expect(again.body.key).not.toBe(first.body.key);
});
