import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { DAY_MS } from '../lib/time';
import { ROLLUP_DIMS, utcDay, type RollupDim } from './rollup-deltas';

/**
 * A dimension's key as the write path computes it (unknown = ''), over the aliases
 * c (the click), l (the link) and, for conversions, e (the event). A conversion's click facts are
 * those of its attributing click (e.click_id), its link and campaign those of e.link_id.
 */
function keyOf(dim: RollupDim, source: 'click' | 'event'): SQL {
  switch (dim) {
    case 'all':
      return sql.raw(`''`);
    case 'link':
      return sql.raw(source === 'click' ? `coalesce(c.link_id, '')` : `coalesce(e.link_id, '')`);
    case 'campaign':
      return sql.raw(`coalesce(l.campaign, '')`);
    case 'country':
      return sql.raw(`coalesce(c.country, '')`);
    case 'device':
      return sql.raw(`coalesce(c.device_type, '')`);
    case 'browser':
      return sql.raw(`coalesce(c.browser, '')`);
    case 'os':
      return sql.raw(`coalesce(c.os, '')`);
    case 'referrer':
      return sql.raw(`coalesce(c.referrer_host, '')`);
  }
}

/**
 * D1's batch() can only carry raw SQL without bound parameters, so the few values here (a dimension
 * name from ROLLUP_DIMS, a checked program id) are inlined as quoted SQL string literals.
 */
function lit(value: string): SQL {
  return sql.raw(`'${value.replace(/'/g, "''")}'`);
}

// Real division: SQLite's integer division truncates toward zero, which files a fact in the last
// second before a midnight of a pre-1970 (negative) time on the next day; JS's utcDay floors.
const dayOf = (col: string) => sql.raw(`strftime('%Y-%m-%d', ${col} / 1000.0, 'unixepoch')`);

/** A span of time in ms since epoch, each end day-aligned or open (null). */
interface Window {
  from: number | null;
  to: number | null;
}

/** `and <program> = '…' and <time> >= from and <time> < to` for the raw rows of one program and window. */
function scope(programCol: string, timeCol: string, programId: string, w: Window): SQL {
  const bounds = [w.from === null ? '' : ` and ${timeCol} >= ${w.from}`, w.to === null ? '' : ` and ${timeCol} < ${w.to}`].join('');
  return sql` and ${sql.raw(programCol)} = ${lit(programId)}${sql.raw(bounds)}`;
}

/** The rollup rows of one program and window (their `day` is the UTC day of the fact's time). */
function rollupScope(programId: string, w: Window): SQL {
  const day = (ms: number) => lit(utcDay(new Date(ms)));
  return sql` where program_id = ${lit(programId)}${w.from === null ? sql`` : sql` and day >= ${day(w.from)}`}${w.to === null ? sql`` : sql` and day < ${day(w.to)}`}`;
}
// Only attributed events with a partner count, as on the write path (a refund shares its sale's status).
const ATTRIBUTED = sql.raw(`e.status = 'attributed' and e.partner_id is not null`);

// The dimensions' keys side by side (k_all, k_link, …): one fine-grained group per distinct
// combination, so the raw rows are read and sorted once, not once per dimension.
const keyColumns = (source: 'click' | 'event') => sql.join(ROLLUP_DIMS.map((dim) => sql`${keyOf(dim, source)} as ${sql.raw(`k_${dim}`)}`), sql`, `);
const KEYS = sql.raw(ROLLUP_DIMS.map((dim) => `k_${dim}`).join(', '));

// Every dimension as a row of `dims` (a VALUES list: D1 caps compound SELECTs, not VALUES rows);
// crossed with the facts, each fact is counted once under each dimension's key.
const DIMS_CTE = sql.raw(`dims(dim) as (values ${ROLLUP_DIMS.map((dim) => `('${dim}')`).join(', ')})`);
const KEY_OF_DIM = sql.raw(`case dim ${ROLLUP_DIMS.map((dim) => `when '${dim}' then k_${dim}`).join(' ')} end`);

function countsStatement(db: Db, programId: string, w: Window) {
  return db.run(sql`
    with facts as materialized (
      select program_id, partner_id, day, ${KEYS},
        sum(clicks) as clicks, sum(unique_clicks) as unique_clicks, sum(bot_clicks) as bot_clicks, sum(leads) as leads, sum(sales) as sales, sum(revenue) as revenue
      from (
        select c.program_id, c.partner_id, ${dayOf('c.created_at')} as day, ${keyColumns('click')},
          case when c.bot then 0 else 1 end as clicks,
          case when c.bot = 0 and c.is_unique then 1 else 0 end as unique_clicks,
          case when c.bot then 1 else 0 end as bot_clicks,
          0 as leads, 0 as sales, 0 as revenue
        from clicks c left join links l on l.id = c.link_id
        where 1 = 1${scope('c.program_id', 'c.created_at', programId, w)}
        union all
        select e.program_id, e.partner_id, ${dayOf('e.occurred_at')} as day, ${keyColumns('event')},
          0, 0, 0,
          case when e.type = 'lead' then 1 else 0 end,
          case when e.type = 'sale' then 1 else 0 end,
          case e.type when 'sale' then coalesce(e.amount, 0) when 'refund' then -coalesce(e.amount, 0) else 0 end
        from events e left join clicks c on c.id = e.click_id left join links l on l.id = e.link_id
        where ${ATTRIBUTED} and e.type in ('lead', 'sale', 'refund')${scope('e.program_id', 'e.occurred_at', programId, w)}
      ) as raw
      group by program_id, partner_id, day, ${KEYS}
    ), ${DIMS_CTE}
    insert into daily_rollups (program_id, partner_id, day, dim, key, clicks, unique_clicks, bot_clicks, leads, sales, revenue)
    select program_id, partner_id, day, dim, ${KEY_OF_DIM} as key, sum(clicks), sum(unique_clicks), sum(bot_clicks), sum(leads), sum(sales), sum(revenue)
    from facts cross join dims
    group by program_id, partner_id, day, dim, key`);
}

function commissionsStatement(db: Db, programId: string, w: Window) {
  return db.run(sql`
    with facts as materialized (
      select e.program_id, e.partner_id, ${dayOf('e.occurred_at')} as day, ${keyColumns('event')}, com.unit, sum(com.amount) as amount
      from commissions com join events e on e.id = com.event_id
        left join clicks c on c.id = e.click_id left join links l on l.id = e.link_id
      where com.recipient = 'partner' and ${ATTRIBUTED}${scope('e.program_id', 'e.occurred_at', programId, w)}
      group by e.program_id, e.partner_id, day, ${KEYS}, com.unit
    ), ${DIMS_CTE}
    insert into daily_commission_rollups (program_id, partner_id, day, dim, key, unit, amount)
    select program_id, partner_id, day, dim, ${KEY_OF_DIM} as key, unit, sum(amount)
    from facts cross join dims
    group by program_id, partner_id, day, dim, key, unit`);
}

async function countRows(db: Db, table: 'daily_rollups' | 'daily_commission_rollups', programId: string | undefined) {
  const where = programId === undefined ? sql`` : sql` where program_id = ${programId}`;
  const [row] = await db.all<{ n: number }>(sql`select count(*) as n from ${sql.raw(table)}${where}`);
  return Number(row?.n ?? 0);
}

/** The earliest raw fact (click, event) of a program at or after `from`, or null when there is none. */
async function nextFactAt(db: Db, programId: string, from: number | null): Promise<number | null> {
  const since = (col: string) => (from === null ? sql`` : sql` and ${sql.raw(col)} >= ${from}`);
  const [row] = await db.all<{ t: number | null }>(sql`
    select min(t) as t from (
      select min(created_at) as t from clicks where program_id = ${programId}${since('created_at')}
      union all select min(occurred_at) from events where program_id = ${programId}${since('occurred_at')}
    )`);
  return row?.t == null ? null : Number(row.t);
}

/**
 * The window that starts where the last one ended (`from`, null at the start of time): it ends
 * `days` UTC days after the start of the day of the next raw fact, so the empty stretch before that
 * fact is folded in (one backdated fact years ago costs one window, not one per week since), or it
 * is open-ended when no fact follows. Consecutive windows cover all time, so every rollup row of the
 * program is deleted and recomputed by exactly one.
 */
export function nextWindow(from: number | null, nextFact: number | null, days: number): Window {
  return { from, to: nextFact === null ? null : (Math.floor(nextFact / DAY_MS) + days) * DAY_MS };
}

/** Programs to rebuild when none is named: every program, and any program id the rollups still hold. */
async function allProgramIds(db: Db): Promise<string[]> {
  const rows = await db.all<{ id: string }>(sql`
    select id from programs
    union select program_id from daily_rollups
    union select program_id from daily_commission_rollups`);
  return rows.map((r) => r.id);
}

export interface RebuildOptions {
  /** UTC days of raw facts per transaction (default 7): the write lock is held for one window at a time. */
  windowDays?: number;
}

/**
 * Recomputes the daily rollups of one program (or of all) from the raw clicks, events and ledger.
 * A program's time is cut into windows of `windowDays` UTC days (empty stretches folded into the next
 * window, see nextWindow); each window is one atomic batch —
 * delete its rollup rows, then one INSERT per table that reads the window's raw rows once into
 * fine-grained groups (every dimension's key at once) and re-groups those per dimension. So a live
 * server keeps writing between windows (at 10M clicks one transaction held the lock ~40 s), and a
 * click or sale committed meanwhile is counted exactly once: its window's batch either sees its raw
 * row or ran before it, and then its own rollup delta lands on the rebuilt rows.
 * Campaigns are read from the links as they are now (the write path used the campaign at the time).
 */
export async function rebuildRollups(db: Db, programId?: string, opts: RebuildOptions = {}): Promise<{ rollupRows: number; commissionRollupRows: number }> {
  const days = opts.windowDays ?? 7;
  if (!Number.isInteger(days) || days < 1) throw new Error(`windowDays must be a positive integer, not ${days}`);
  for (const id of programId === undefined ? await allProgramIds(db) : [programId]) {
    // Inlined as a literal into D1-compatible batches (lit() escapes it too): ids only.
    if (!/^prg_[A-Za-z0-9_-]{1,60}$/.test(id)) throw new Error(`not a program id: ${id}`);
    for (let from: number | null = null, done = false; !done; ) {
      const w = nextWindow(from, await nextFactAt(db, id, from), days);
      await db.batch([
        db.run(sql`delete from daily_rollups${rollupScope(id, w)}`),
        db.run(sql`delete from daily_commission_rollups${rollupScope(id, w)}`),
        countsStatement(db, id, w),
        commissionsStatement(db, id, w),
      ]);
      done = w.to === null;
      from = w.to;
    }
  }
  return { rollupRows: await countRows(db, 'daily_rollups', programId), commissionRollupRows: await countRows(db, 'daily_commission_rollups', programId) };
}
