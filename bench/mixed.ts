import { join } from 'node:path';
import { spawnServer } from '../test/helpers/spawn-server';
import { ADMIN_KEY, api, countOf, createProgram, readDbFile } from './api';
import { cannonGet, type LoadResult } from './cannon';
import { SALE_RULE } from './sales';
import { hasWrk, wrkGet } from './wrk';

export interface MixedBench {
  seconds: number;
  /** Redirect load meanwhile (16 connections). */
  redirects: LoadResult;
  /** Sales sent one at a time, 20 ms apart, while the redirect load ran: latency in ms. */
  sales: number;
  p50: number;
  p99: number;
  max: number;
  /** Sales answered 2xx, sale events stored and partner commissions stored (all three equal when exact). */
  created: number;
  stored: number;
  commissions: number;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/**
 * The price of putting redirects first: sales sent one at a time while redirect load saturates the
 * machine, so each commits beside a click writer that is starved of CPU (nice 19) yet may hold the
 * database's write lock.
 */
export async function benchMixed(dir: string, seconds = 10): Promise<MixedBench> {
  const file = join(dir, 'mixed.db');
  const s = await spawnServer({ env: { DATABASE_URL: file, ADMIN_API_KEY: ADMIN_KEY, VISITOR_SALT: 'bench-salt', RATE_LIMIT_PER_SECOND: '0' } });
  try {
    const { programId, partners } = await createProgram(s, 2);
    await api(s, 'POST', `/v1/programs/${programId}/rewards`, SALE_RULE);
    await api(s, 'POST', `/v1/partners/${partners[0]!.id}/links`, { url: 'https://shop.test/pricing', code: 'bench-mix' });
    const customers = 200;
    for (let i = 0; i < customers; i++) await api(s, 'POST', '/v1/track/lead', { code: partners[i % 2]!.code, programId, customer: { externalId: `mix-${i}` } });
    const get = hasWrk() ? wrkGet : cannonGet;
    await get(`${s.base}/bench-mix`, 2); // warm-up
    const load = get(`${s.base}/bench-mix`, seconds);
    const latencies: number[] = [];
    const until = Date.now() + seconds * 1000 - 500;
    let created = 0;
    while (Date.now() < until) {
      const n = latencies.length;
      const t0 = performance.now();
      const res = await fetch(`${s.base}/v1/track/sale`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ programId, customerExternalId: `mix-${n % customers}`, externalId: `mix-inv-${n}`, amount: 4900, currency: 'EUR' }),
      });
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      if (res.ok) created++;
      await new Promise((r) => setTimeout(r, 20));
    }
    const redirects = await load;
    await s.stop('SIGTERM');
    return await readDbFile(file, async (db) => {
      const stored = await countOf(db, `SELECT count(*) AS n FROM events WHERE type = 'sale'`);
      const commissions = await countOf(db, `SELECT count(*) AS n FROM commissions c JOIN events e ON e.id = c.event_id WHERE e.type = 'sale'`);
      latencies.sort((a, b) => a - b);
      return { seconds, redirects, sales: latencies.length, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: latencies[latencies.length - 1]!, created, stored, commissions };
    });
  } finally {
    await s.stop('SIGKILL');
  }
}
