import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnServer } from '../test/helpers/spawn-server';
import { ADMIN_KEY, api, countOf, createProgram, profileArgs, readDbFile } from './api';
import { runJsonProcess, summarize, type LoadResult } from './cannon';

/**
 * Tiered by referral count and capped per partner per month (the interesting path: counters + cap).
 * The cap sits above what a partner earns in one run (~1,100 sales at 2,000+/s over 20 partners), so
 * every sale in the measurement books a commission; a capped sale would skip that insert.
 */
const CAP = 5_000_000;
export const SALE_RULE = {
  event: 'sale',
  type: 'fixed',
  tiers: [{ upTo: 50, amount: 1000 }, { amount: 2500 }],
  caps: { perPartner: { amount: CAP, period: 'month' } },
};

const expectedFor = (n: number) => Math.min(CAP, 1000 * Math.min(n, 50) + 2500 * Math.max(0, n - 50));

export interface SalesBench {
  /** Node processes serving the port and the file (WORKERS). */
  workers: number;
  partners: number;
  customers: number;
  leads: LoadResult;
  sales: LoadResult;
  storedSales: number;
  commissions: number;
  /** Partners whose ledger total equals tiers + cap applied to their sale count. */
  exactPartners: number;
  partnersCapped: number;
  /** Server process CPU (user + system, all threads) per stored sale during the sales run: steadier than sales/s on a shared machine. */
  cpuMsPerSale: number | null;
  /** The same for the request threads alone (each server process's main thread): what bounds sales/s per process. */
  requestThreadMsPerSale: number | null;
}

/**
 * utime + stime in ms of a process and all its descendants (WORKERS > 1), from Linux /proc; null
 * elsewhere. `mainOnly`: of each process's main thread alone (its request thread).
 */
function cpuMsOf(pid: number | undefined, mainOnly = false): number | null {
  if (pid === undefined) return null;
  try {
    const stats = new Map<number, { ppid: number; ms: number }>();
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const fields = readFileSync(mainOnly ? `/proc/${name}/task/${name}/stat` : `/proc/${name}/stat`, 'utf8').split(') ')[1]!.split(' ');
        stats.set(Number(name), { ppid: Number(fields[1]), ms: ((Number(fields[11]) + Number(fields[12])) * 1000) / 100 }); // USER_HZ is 100
      } catch {
        // exited meanwhile
      }
    }
    if (!stats.has(pid)) return null;
    let total = 0;
    const todo = [pid];
    while (todo.length > 0) {
      const p = todo.pop()!;
      total += stats.get(p)?.ms ?? 0;
      for (const [child, s] of stats) if (s.ppid === p) todo.push(child);
    }
    return total;
  } catch {
    return null;
  }
}

function load(cfg: Record<string, unknown>) {
  return runJsonProcess(['bench/sales-load.mjs', JSON.stringify({ key: ADMIN_KEY, connections: 16, ...cfg })]);
}

/** N leads spread over the partners, then `seconds` of sales with unique externalIds at 16 connections. */
export async function benchSales(dir: string, opts: { partners: number; customers: number; seconds: number; workers?: number }): Promise<SalesBench> {
  const workers = opts.workers ?? 1;
  const file = join(dir, `sales-${workers}.db`);
  // The per-key rate limit (500/s by default) would cap the measurement below the 2,000/s goal.
  const s = await spawnServer({ nodeArgs: profileArgs(), env: { DATABASE_URL: file, ADMIN_API_KEY: ADMIN_KEY, VISITOR_SALT: 'bench-salt', RATE_LIMIT_PER_SECOND: '0', WORKERS: String(workers) } });
  try {
    const { programId, partners } = await createProgram(s, opts.partners);
    await api(s, 'POST', `/v1/programs/${programId}/rewards`, SALE_RULE);
    const base = { base: s.base, programId, customers: opts.customers };
    const leads = summarize(await load({ ...base, kind: 'lead', amount: opts.customers, codes: partners.map((p) => p.code) }), '2xx');
    if (leads.s2xx !== opts.customers) throw new Error(`leads: ${leads.s2xx}/${opts.customers} succeeded`);
    const cpuBefore = cpuMsOf(s.child.pid);
    const mainBefore = cpuMsOf(s.child.pid, true);
    const sales = summarize(await load({ ...base, kind: 'sale', seconds: opts.seconds, prefix: 'inv' }), '2xx');
    const cpuAfter = cpuMsOf(s.child.pid);
    const mainAfter = cpuMsOf(s.child.pid, true);
    const cpuMs = cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null;
    const mainMs = mainBefore !== null && mainAfter !== null ? mainAfter - mainBefore : null;
    await s.stop('SIGTERM');

    return await readDbFile(file, async (db) => {
      const storedSales = await countOf(db, `SELECT count(*) AS n FROM events WHERE type = 'sale'`);
      const commissions = await countOf(db, `SELECT count(*) AS n FROM commissions`);
      const perPartner = await db.execute(
        `SELECT e.partner_id AS p, count(*) AS n,
                (SELECT coalesce(sum(amount), 0) FROM commissions c WHERE c.partner_id = e.partner_id) AS total
         FROM events e WHERE e.type = 'sale' GROUP BY e.partner_id`,
      );
      let exactPartners = 0;
      let partnersCapped = 0;
      for (const row of perPartner.rows) {
        const expected = expectedFor(Number(row.n));
        if (Number(row.total) === expected) exactPartners++;
        if (expected === CAP) partnersCapped++;
      }
      const perSale = (ms: number | null) => (ms === null || storedSales === 0 ? null : ms / storedSales);
      return { workers, partners: opts.partners, customers: opts.customers, leads, sales, storedSales, commissions, exactPartners, partnersCapped, cpuMsPerSale: perSale(cpuMs), requestThreadMsPerSale: perSale(mainMs) };
    });
  } finally {
    await s.stop('SIGKILL');
  }
}
