import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPAWN_TEST_TIMEOUT_MS, spawnServer, type SpawnedServer } from '../helpers/spawn-server';

const ADMIN_KEY = 'crash-test-admin-key-0123456789abcdefghij';
const SALES = 400;
const KILL_AFTER = 40;
const CONCURRENCY = 4;

const dir = mkdtempSync(join(tmpdir(), 'reflink-crash-'));
const env = { DATABASE_URL: join(dir, 'reflink.db'), ADMIN_API_KEY: ADMIN_KEY, VISITOR_SALT: 'crash-salt' };
const children: SpawnedServer[] = [];

async function start() {
  const s = await spawnServer({ env });
  children.push(s);
  return s;
}

async function call(s: SpawnedServer, method: string, path: string, body?: unknown) {
  const res = await fetch(s.base + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function listAll(s: SpawnedServer, path: string) {
  const out: any[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 50; pages++) {
    const sep = path.includes('?') ? '&' : '?';
    const r = await call(s, 'GET', `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(r.status).toBe(200);
    out.push(...r.body.data);
    cursor = r.body.nextCursor;
    if (!cursor) return out;
  }
  throw new Error(`more than 50 pages at ${path}`);
}

function countBy<T>(items: T[], key: (t: T) => string | null) {
  const m = new Map<string, number>();
  for (const it of items) {
    const k = key(it);
    if (k !== null) m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

describe('SIGKILL while sales stream in (Node entry, libSQL file in WAL mode)', () => {
  let programId = '';
  const sale = (i: number) => ({ programId, customerExternalId: 'cust-1', externalId: `inv-${i}`, amount: 4900, currency: 'EUR' });
  const accepted = new Map<string, string>(); // externalId → event id from the 2xx response
  const attempted = new Set<number>();

  beforeAll(async () => {
    const s = await start();
    const program = await call(s, 'POST', '/v1/programs', {
      name: 'Crash',
      currency: 'EUR',
      defaultUrl: 'https://shop.test/',
      allowedHosts: ['shop.test'],
      holdDays: 0,
    });
    expect(program.status).toBe(201);
    programId = program.body.id;
    const partner = await call(s, 'POST', `/v1/programs/${programId}/partners`, { name: 'P', email: 'p@partner.test' });
    expect(partner.status).toBe(201);
    const reward = await call(s, 'POST', `/v1/programs/${programId}/rewards`, { event: 'sale', type: 'fixed', amount: 100, holdDays: 0 });
    expect(reward.status).toBe(201);
    const lead = await call(s, 'POST', '/v1/track/lead', { code: partner.body.code, programId, customer: { externalId: 'cust-1' } });
    expect(lead.status).toBe(200);
    expect(lead.body.event.status).toBe('attributed');

    // Stream sales, CONCURRENCY at a time; after KILL_AFTER 2xx answers the process is SIGKILLed
    // while the other requests are still in flight.
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (!killed && next < SALES) {
        const i = next++;
        attempted.add(i);
        try {
          const r = await call(s, 'POST', '/v1/track/sale', sale(i));
          if (r.status >= 200 && r.status < 300) accepted.set(`inv-${i}`, r.body.event.id);
        } catch {
          // connection reset by the kill: outcome unknown, re-sent below
        }
        if (!killed && accepted.size >= KILL_AFTER) {
          killed = true;
          s.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(killed).toBe(true);
    await s.stop('SIGKILL');
    expect(s.child.signalCode).toBe('SIGKILL');
  }, SPAWN_TEST_TIMEOUT_MS);

  afterAll(async () => {
    await Promise.all(children.map((c) => c.stop('SIGKILL')));
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged sale exactly once, and re-sending everything creates no duplicates', async () => {
    expect(accepted.size).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(attempted.size).toBeLessThan(SALES); // the kill really happened mid-stream
    const s = await start();

    const events = (await listAll(s, `/v1/events?programId=${programId}`)).filter((e) => e.type === 'sale');
    const commissions = await listAll(s, `/v1/programs/${programId}/commissions`);
    const eventsByExt = countBy(events, (e) => e.externalId);
    const commissionsByEvent = countBy(commissions, (c) => c.eventId);
    for (const [externalId, eventId] of accepted) {
      expect(eventsByExt.get(externalId), externalId).toBe(1);
      expect(events.find((e) => e.externalId === externalId)!.id).toBe(eventId);
      expect(commissionsByEvent.get(eventId), externalId).toBe(1);
    }
    // Nothing half-written: every stored sale has its commission and vice versa.
    expect(commissions.length).toBe(events.length);

    // Re-send every attempted sale; the acknowledged ones replay their original event.
    for (const i of [...attempted].sort((a, b) => a - b)) {
      const r = await call(s, 'POST', '/v1/track/sale', sale(i));
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const before = accepted.get(`inv-${i}`);
      if (before) expect(r.body.event.id).toBe(before);
    }

    const after = (await listAll(s, `/v1/events?programId=${programId}`)).filter((e) => e.type === 'sale');
    const ledger = await listAll(s, `/v1/programs/${programId}/commissions`);
    expect(after.length).toBe(attempted.size);
    expect([...countBy(after, (e) => e.externalId).values()].every((n) => n === 1)).toBe(true);
    expect(new Set(after.map((e) => e.externalId))).toEqual(new Set([...attempted].map((i) => `inv-${i}`)));
    expect(ledger.length).toBe(attempted.size);
    expect([...countBy(ledger, (c) => c.eventId).values()].every((n) => n === 1)).toBe(true);
    expect(new Set(ledger.map((c) => c.eventId))).toEqual(new Set(after.map((e) => e.id)));
    expect(ledger.every((c) => c.amount === 100 && c.status === 'approved')).toBe(true);
  }, SPAWN_TEST_TIMEOUT_MS);
});
