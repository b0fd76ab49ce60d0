import { createClient, type Client } from '@libsql/client';

/**
 * Straight-to-database seeding for report benchmarks: multi-row INSERTs (ROWS per statement,
 * STATEMENTS per transaction) into a file the Node entry has already migrated.
 * Ids are derived from `tag` so successive calls can top a database up (0.1x → 1x → 10x).
 * Writes raw tables only (clicks, customers, events, commissions); if the report reads
 * pre-aggregated rollups, those must be rebuilt from these rows before measuring.
 *
 * Two things keep 10M clicks fast and small (measured here, 2 cores):
 * - Values are inlined as SQL literals and sent with executeMultiple. @libsql/client prepares every
 *   execute()/batch() statement anew, and libsql 0.5.29 frees a prepared statement (~1 MB for a
 *   500-row INSERT) only in a finalizer that runs once the event loop turns; a loop that only awaits
 *   the client (microtasks) never lets it: the old seeding held 1.9 GB RSS per million clicks, the 18 GB
 *   seen at 10M. exec() finalizes its statements at once: RSS stays ~150 MB.
 * - Rows come in the order of the indexes: time goes forward with i (as real clicks do), ids are
 *   zero-padded, and a visitor's clicks come together (within ~2 hours). With keys scattered over the
 *   year every insert landed on random pages of five indexes and the rate fell from 64k to 16k rows/s
 *   by 3M; in order it stays ~90k rows/s (linear). (The scattered times, `now - i * 7919 % span`, also
 *   only wrapped the year from ~4M rows on: 0.1x and 1x covered the last 9 and 92 days.)
 */
export interface SeedTarget {
  programId: string;
  currency: string;
  rewardId: string;
  partners: { id: string; linkId: string }[];
  /** Rows spread over the `days` days before `now`. */
  now: Date;
  days: number;
}

const ROWS = 500;
const STATEMENTS = 20;
const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Visitors per seeding call (each with count / VISITORS clicks, on one partner's link). */
const VISITORS = 50_000;

/** A value as an SQL literal (only our own numbers and plain strings reach this). */
function lit(v: unknown): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number') return String(v);
  return `'${String(v).replace(/'/g, "''")}'`;
}

/** Zero-padded, so ids sort in insertion order. */
const n9 = (i: number) => String(i).padStart(9, '0');

/** The i-th of `count` instants spread evenly over the `days` days before `now` (exclusive..inclusive). */
const spread = (t: SeedTarget, count: number) => {
  const span = t.days * DAY;
  const start = t.now.getTime() - span;
  return (i: number) => start + Math.floor(((i + 1) * span) / count);
};

function connect(file: string) {
  return createClient({ url: `file:${file}` });
}

async function insertRows(db: Client, table: string, columns: string[], count: number, row: (i: number) => unknown[]) {
  // Per connection: no fsync on every commit (WAL is already set on the file by the Node entry).
  await db.execute('PRAGMA synchronous = NORMAL');
  const head = `INSERT INTO ${table} (${columns.join(',')}) VALUES `;
  let statements: string[] = [];
  const commit = async () => {
    await db.executeMultiple(`BEGIN;\n${statements.join(';\n')};\nCOMMIT;`);
    statements = [];
  };
  for (let start = 0; start < count; start += ROWS) {
    const values: string[] = [];
    for (let i = start; i < Math.min(start + ROWS, count); i++) values.push(`(${row(i).map(lit).join(',')})`);
    statements.push(head + values.join(','));
    if (statements.length === STATEMENTS) await commit();
  }
  if (statements.length) await commit();
}

const CLICK_COLUMNS = ['id', 'program_id', 'partner_id', 'link_id', 'created_at', 'country', 'device_type', 'browser', 'os', 'referrer_host', 'paid_ads', 'bot', 'bot_reason', 'is_unique', 'visitor_hash'];
const COUNTRIES = ['DE', 'US', 'FR', 'GB', 'NL', null];
const DEVICES = ['desktop', 'mobile', 'tablet'];

export async function seedClicks(file: string, t: SeedTarget, count: number, tag: string) {
  const db = connect(file);
  const at = spread(t, count);
  const partners = t.partners.length;
  // Visitor v clicks `perVisitor` times in a row of partners × perVisitor clicks, always on partner v % partners.
  const perVisitor = Math.max(1, Math.floor(count / VISITORS));
  const visitorOf = (i: number) => Math.floor(i / (partners * perVisitor)) * partners + (i % partners);
  try {
    await insertRows(db, 'clicks', CLICK_COLUMNS, count, (i) => {
      const p = t.partners[i % partners]!;
      const bot = i % 23 === 0; // coprime with the partner count, so every partner gets some
      return [`clk_seed${tag}_${n9(i)}`, t.programId, p.id, p.linkId, at(i), COUNTRIES[i % 6], DEVICES[i % 3], 'Chrome', 'Windows', i % 4 ? 'news.test' : null, i % 9 === 0 ? 1 : 0, bot ? 1 : 0, bot ? 'crawler' : null, !bot && i % 3 ? 1 : 0, `vh${tag}_${n9(visitorOf(i))}`];
    });
  } finally {
    db.close();
  }
}

/** `count` conversions: count/2 customers, each with a lead and a sale an hour later, a commission per sale. */
export async function seedConversions(file: string, t: SeedTarget, count: number, tag: string) {
  const db = connect(file);
  const customers = Math.floor(count / 2);
  const at = spread(t, customers);
  const partnerOf = (i: number) => t.partners[i % t.partners.length]!;
  try {
    await insertRows(db, 'customers', ['id', 'program_id', 'external_id', 'partner_id', 'link_id', 'attributed_at', 'created_at', 'updated_at'], customers, (i) => {
      const p = partnerOf(i);
      return [`cus_seed${tag}_${n9(i)}`, t.programId, `seed${tag}-${n9(i)}`, p.id, p.linkId, at(i), at(i), at(i)];
    });
    const eventColumns = ['id', 'program_id', 'type', 'name', 'dedupe_key', 'request_hash', 'external_id', 'customer_id', 'customer_external_id', 'partner_id', 'link_id', 'amount', 'currency', 'quantity', 'status', 'result', 'occurred_at', 'created_at'];
    await insertRows(db, 'events', eventColumns, customers * 2, (j) => {
      const i = j >> 1;
      const sale = j % 2 === 1;
      const p = partnerOf(i);
      const when = at(i) + (sale ? HOUR : 0);
      const ext = `seed${tag}-${n9(i)}`;
      return [`evt_seed${tag}_${n9(j)}`, t.programId, sale ? 'sale' : 'lead', sale ? 'sale' : 'lead', sale ? `sale:${ext}` : `lead:${ext}`, '', sale ? `inv-${ext}` : null, `cus_seed${tag}_${n9(i)}`, ext, p.id, p.linkId, sale ? 4900 : null, sale ? t.currency : null, 1, 'attributed', '{}', when, when];
    });
    const commissionColumns = ['id', 'program_id', 'kind', 'recipient', 'partner_id', 'customer_id', 'reward_id', 'event_id', 'amount', 'unit', 'status', 'hold_until', 'explanation', 'created_at'];
    await insertRows(db, 'commissions', commissionColumns, customers, (i) => {
      const when = at(i) + HOUR;
      return [`com_seed${tag}_${n9(i)}`, t.programId, 'commission', 'partner', partnerOf(i).id, `cus_seed${tag}_${n9(i)}`, t.rewardId, `evt_seed${tag}_${n9(2 * i + 1)}`, 1000, t.currency, i % 3 ? 'approved' : 'pending', when, 'seeded', when];
    });
  } finally {
    db.close();
  }
}
