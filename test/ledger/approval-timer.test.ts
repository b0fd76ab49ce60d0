import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createNodeRuntime } from '../../src/node-runtime';
import { SPAWN_TEST_TIMEOUT_MS, spawnServer, stopSpawnedServers } from '../helpers/spawn-server';
import { ADMIN_KEY, programInput } from '../helpers/app';
import { addReward, balance, days, leadByCode, setup } from '../conversions/support';
import { idempotencyKeys, revokedPartnerTokens } from '../../src/db/schema';
import { startJobTimer } from '../../src/jobs/start-job-timer';

const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), 'reflink-timer-'));
afterEach(stopSpawnedServers);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A database file as a server stopped 31 days ago left it: a lead's 700 commission pending until
 * yesterday (holdDays 30) and the Idempotency-Key of the program's creation, 31 days old; plus one
 * key answered an hour ago. Written through the app with its clock set back.
 */
async function databaseLeftBehind(file: string) {
  const then = new Date(Date.now() - 31 * DAY);
  const rt = await createNodeRuntime({ databaseUrl: file, clickWriter: 'inline', env: { ADMIN_API_KEY: ADMIN_KEY, VISITOR_SALT: 's', RATE_LIMIT_PER_SECOND: '0' }, clock: () => then });
  const call = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await rt.app.request(path, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    return (await res.json()) as any;
  };
  const program = await call('/v1/programs', { ...programInput, holdDays: 30 }, { 'idempotency-key': 'k-old' });
  const partner = await call(`/v1/programs/${program.id}/partners`, { name: 'Jane', email: 'jane@partner.test' });
  await call(`/v1/programs/${program.id}/rewards`, { event: 'lead', type: 'fixed', amount: 700 });
  await call('/v1/track/lead', { code: partner.code, customer: { externalId: 'cus_1' } });
  await rt.db.$client.execute({ sql: "insert into idempotency_keys (key, request_hash, status, response, created_at) values ('k-young', 'h', 201, '{}', ?)", args: [Date.now() - 3_600_000] });
  await rt.close();
  rt.db.$client.close();
  return partner.id as string;
}

describe('Node runs the periodic job shortly after start, not one interval later', () => {
  it('with APPROVE_INTERVAL_SECONDS=3600, a hold that ended while the server was down is approved within seconds of start, and expired keys are gone', async () => {
    const file = join(dir, 'r.db');
    const partnerId = await databaseLeftBehind(file);
    const s = await spawnServer({ env: { DATABASE_URL: file, ADMIN_API_KEY: ADMIN_KEY, VISITOR_SALT: 's', APPROVE_INTERVAL_SECONDS: '3600' } });
    try {
      const balance = async () => {
        const res = await fetch(`${s.base}/v1/partners/${partnerId}/balance`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
        const [b] = ((await res.json()) as any).balances;
        return [b.pending, b.approved];
      };
      // Seconds, not the hour of the interval: 30 s leaves room for a loaded host (the first run is 1 s after start).
      let seen: number[] = [];
      for (const deadline = Date.now() + 30_000; Date.now() < deadline && seen[1] !== 700; ) {
        await new Promise((r) => setTimeout(r, 100));
        seen = await balance();
      }
      expect(seen, s.output()).toEqual([0, 700]);
    } finally {
      expect(await s.stop()).toBe(0);
    }
    const rt = await createNodeRuntime({ databaseUrl: file, clickWriter: 'inline', env: { ADMIN_API_KEY: ADMIN_KEY, VISITOR_SALT: 's' } });
    const keys = (await rt.db.$client.execute('select key from idempotency_keys')).rows.map((r) => r.key);
    await rt.close();
    rt.db.$client.close();
    // k-old's row is keyed by a hash, so only the young key is left by name.
    expect(keys).toEqual(['k-young']);
  }, SPAWN_TEST_TIMEOUT_MS);
});

describe('the Node timer runs the job as of the app clock', () => {
  it('with the clock set 32 days after two leads (holds of 30 days), the run approves exactly the due one and deletes exactly the expired key and revocation', async () => {
    // The clock is months behind the real date: a run as of the real time would approve both
    // commissions and delete every row below.
    const { t, program, partner } = await setup({ holdDays: 30 });
    await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 700 });
    await leadByCode(t, partner.code, 'cus_due'); // held until day 30
    t.setNow(days(5));
    await leadByCode(t, partner.code, 'cus_held'); // held until day 35
    t.setNow(days(32));
    const at = (ms: number) => new Date(t.now.getTime() + ms);
    await t.db.insert(idempotencyKeys).values([
      { key: 'k-expired', requestHash: 'h', status: 201, response: '{}', createdAt: at(-25 * 3_600_000) },
      { key: 'k-kept', requestHash: 'h', status: 201, response: '{}', createdAt: at(-23 * 3_600_000) },
    ]);
    await t.db.insert(revokedPartnerTokens).values([
      { partnerId: partner.id, tokenId: 'jti-expired', expiresAt: at(-120_000), revokedAt: days(1) },
      { partnerId: partner.id, tokenId: 'jti-kept', expiresAt: at(3_600_000), revokedAt: days(1) },
    ]);
    const revocations = async () => (await t.db.select().from(revokedPartnerTokens)).map((r) => r.tokenId);

    const stop = startJobTimer(t.deps, 3_600_000, 0);
    try {
      // The revocations go last in a run: once one has gone, the run is over.
      for (const deadline = Date.now() + 10_000; Date.now() < deadline && (await revocations()).length === 2; ) await new Promise((r) => setTimeout(r, 20));
    } finally {
      stop();
    }
    expect(await revocations()).toEqual(['jti-kept']);
    expect((await t.db.select().from(idempotencyKeys)).map((r) => r.key)).toEqual(['k-kept']);
    expect(await balance(t, partner.id)).toEqual({ pending: 700, approved: 700, paid: 0 });
  });
});
