import Database from 'libsql';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// npx tsx bench/sql-binding.ts — where a click insert's SQL time goes: the native driver's cost per
// bound value (a statement that writes nothing), then 100,000 click-shaped rows with the clicks
// table's indexes inserted by pure SQL (nothing bound), bound 200 rows a statement, and as literal SQL.
const N = 100_000;
const cpuUs = (t: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(t);
  return c.user + c.system;
};

const mem = new Database(':memory:');
const ph = `(${Array(15).fill('?').join(',')})`;
const noop = mem.prepare(`select * from (values ${Array(200).fill(ph).join(',')}) limit 0`);
for (const [kind, value] of [['integer', 1_700_000_000_000], ['string (24 chars)', 'ptn_abcdefghijklmnopqrst'], ['null', null]] as const) {
  const args = Array(3000).fill(value);
  const t = process.cpuUsage();
  for (let r = 0; r < 300; r++) noop.run(args);
  console.log(`bind one ${kind}: ${Math.round((cpuUs(t) * 1000) / (300 * 3000))} ns`);
}

const dir = mkdtempSync(join(tmpdir(), 'reflink-binding-'));
try {
  const db = new Database(join(dir, 'b.db'));
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 4000');
  db.exec(`CREATE TABLE clicks (id text primary key not null, program_id text not null, partner_id text not null, link_id text not null,
    created_at integer not null, country text, device_type text not null, browser text, os text, referrer_host text, paid_ads integer not null,
    bot integer not null, bot_reason text, is_unique integer not null, visitor_hash text not null);
    CREATE INDEX clicks_program_created_idx ON clicks (program_id, created_at);
    CREATE INDEX clicks_visitor_last_unique_idx ON clicks (visitor_hash, link_id, created_at) WHERE is_unique = 1;`);
  const base = Date.now();
  const row = (k: number) => [`clk_${String(base + k).padStart(20, '0')}`, 'prg_abcdefghijklmnopqrst', 'ptn_abcdefghijklmnopqrst', 'lnk_abcdefghijklmnopqrst', base + k, null, 'desktop', 'Chrome', 'macOS', null, 0, 0, null, 0, 'a'.repeat(64)];

  let t = process.cpuUsage();
  db.exec(`BEGIN; WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < ${N - 1})
    INSERT INTO clicks SELECT printf('clk_%020d', ${base} + n), 'prg_abcdefghijklmnopqrst', 'ptn_abcdefghijklmnopqrst', 'lnk_abcdefghijklmnopqrst', ${base} + n,
    NULL, 'desktop', 'Chrome', 'macOS', NULL, 0, 0, NULL, 0, '${'a'.repeat(64)}' FROM s; COMMIT;`);
  console.log(`pure SQL: ${(cpuUs(t) / N).toFixed(2)} µs a row`);

  const insert200 = db.prepare(`insert into clicks values ${Array(200).fill(ph).join(',')}`);
  t = process.cpuUsage();
  for (let k = N; k < 2 * N; k += 200) {
    const args: unknown[] = [];
    for (let i = k; i < k + 200; i++) args.push(...row(i));
    db.exec('BEGIN IMMEDIATE');
    insert200.run(args);
    db.exec('COMMIT');
  }
  console.log(`bound, 200 rows a statement: ${(cpuUs(t) / N).toFixed(2)} µs a row`);

  const literal = (v: unknown) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v).replaceAll("'", "''")}'`);
  t = process.cpuUsage();
  for (let k = 2 * N; k < 3 * N; k += 200) {
    const values: string[] = [];
    for (let i = k; i < k + 200; i++) values.push(`(${row(i).map(literal).join(',')})`);
    db.exec(`BEGIN IMMEDIATE; insert into clicks values ${values.join(',')}; COMMIT`);
  }
  console.log(`literal SQL, 200 rows a statement: ${(cpuUs(t) / N).toFixed(2)} µs a row`);
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
