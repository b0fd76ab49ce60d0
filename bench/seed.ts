import { createClient, type Client, type InStatement } from '@libsql/client';

/**
 * Straight-to-database seeding for report benchmarks: batched multi-row INSERTs (ROWS per
 * statement, STATEMENTS per transaction) into a file the Node entry has already migrated.
 * Ids are derived from `tag` so successive calls can top a database up (0.1x → 1x → 10x).
 * Writes raw tables only (clicks, customers, events, commissions); if the report reads
 * pre-aggregated rollups, those must be rebuilt from these rows before measuring.
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

async function insertRows(db: Client, table: string, columns: string[], count: number, row: (i: number) => unknown[]) {
  const one = `(${columns.map(() => '?').join(',')})`;
  let batch: InStatement[] = [];
  for (let start = 0; start < count; start += ROWS) {
    const n = Math.min(ROWS, count - start);
    const args: any[] = [];
    for (let i = start; i < start + n; i++) args.push(...row(i));
    batch.push({ sql: `INSERT INTO ${table} (${columns.join(',')}) VALUES ${Array(n).fill(one).join(',')}`, args });
    if (batch.length === STATEMENTS) {
      await db.batch(batch, 'write');
      batch = [];
    }
  }
  if (batch.length) await db.batch(batch, 'write');
}

const CLICK_COLUMNS = ['id', 'program_id', 'partner_id', 'link_id', 'created_at', 'country', 'device_type', 'browser', 'os', 'referrer_host', 'paid_ads', 'bot', 'bot_reason', 'is_unique', 'visitor_hash'];
const COUNTRIES = ['DE', 'US', 'FR', 'GB', 'NL', null];
const DEVICES = ['desktop', 'mobile', 'tablet'];

export async function seedClicks(file: string, t: SeedTarget, count: number, tag: string) {
  const db = createClient({ url: `file:${file}` });
  const span = t.days * DAY;
  try {
    await insertRows(db, 'clicks', CLICK_COLUMNS, count, (i) => {
      const p = t.partners[i % t.partners.length]!;
      const bot = i % 23 === 0; // coprime with the partner count, so every partner gets some
      return [`clk_seed${tag}_${i}`, t.programId, p.id, p.linkId, t.now.getTime() - ((i * 7919) % span), COUNTRIES[i % 6], DEVICES[i % 3], 'Chrome', 'Windows', i % 4 ? 'news.test' : null, i % 9 === 0 ? 1 : 0, bot ? 1 : 0, bot ? 'crawler' : null, !bot && i % 3 ? 1 : 0, `vh${tag}_${i % 50_000}`];
    });
  } finally {
    db.close();
  }
}

/** `count` conversions: count/2 customers, each with a lead and a sale, a commission per sale. */
export async function seedConversions(file: string, t: SeedTarget, count: number, tag: string) {
  const db = createClient({ url: `file:${file}` });
  const span = t.days * DAY;
  const customers = Math.floor(count / 2);
  const at = (i: number) => t.now.getTime() - ((i * 104_729) % span);
  const partnerOf = (i: number) => t.partners[i % t.partners.length]!;
  try {
    await insertRows(db, 'customers', ['id', 'program_id', 'external_id', 'partner_id', 'link_id', 'attributed_at', 'created_at', 'updated_at'], customers, (i) => {
      const p = partnerOf(i);
      return [`cus_seed${tag}_${i}`, t.programId, `seed${tag}-${i}`, p.id, p.linkId, at(i), at(i), at(i)];
    });
    const eventColumns = ['id', 'program_id', 'type', 'name', 'dedupe_key', 'request_hash', 'external_id', 'customer_id', 'customer_external_id', 'partner_id', 'link_id', 'amount', 'currency', 'quantity', 'status', 'result', 'occurred_at', 'created_at'];
    await insertRows(db, 'events', eventColumns, customers * 2, (j) => {
      const i = j >> 1;
      const sale = j % 2 === 1;
      const p = partnerOf(i);
      const when = at(i) + (sale ? 3_600_000 : 0);
      return [`evt_seed${tag}_${j}`, t.programId, sale ? 'sale' : 'lead', sale ? 'sale' : 'lead', sale ? `sale:seed${tag}-${i}` : `lead:seed${tag}-${i}`, '', sale ? `inv-seed${tag}-${i}` : null, `cus_seed${tag}_${i}`, `seed${tag}-${i}`, p.id, p.linkId, sale ? 4900 : null, sale ? t.currency : null, 1, 'attributed', '{}', when, when];
    });
    const commissionColumns = ['id', 'program_id', 'kind', 'recipient', 'partner_id', 'customer_id', 'reward_id', 'event_id', 'amount', 'unit', 'status', 'hold_until', 'explanation', 'created_at'];
    await insertRows(db, 'commissions', commissionColumns, customers, (i) => {
      const when = at(i) + 3_600_000;
      return [`com_seed${tag}_${i}`, t.programId, 'commission', 'partner', partnerOf(i).id, `cus_seed${tag}_${i}`, t.rewardId, `evt_seed${tag}_${2 * i + 1}`, 1000, t.currency, i % 3 ? 'approved' : 'pending', when, 'seeded', when];
    });
  } finally {
    db.close();
  }
}
