import type { Client } from '@libsql/client';
import { isUniqueViolation, type Db } from '../db/client';
import { insertClicks, isDedupConflict, lastUniqueClicks, type ClickRow } from '../db/queries/clicks';
import { sha256Hex } from '../lib/hash';
import type { LruCache } from '../lib/lru';
import { DAY_MS } from '../lib/time';
import type { CapturedClick } from './click-sink';
import { classifyClick, type ClickClassification, type ClickRequestFacts } from './classify-click';
import { campaignsOf, existingClickIds, rollupStatements } from '../db/queries/rollups';
import { deltasFor, mergeDeltas, utcDay } from '../reports/rollup-deltas';

interface DeltaGroup {
  row: ClickRow;
  clicks: number;
  uniqueClicks: number;
  botClicks: number;
}

/**
 * Rollup deltas of a batch: clicks with the same dimension facts are counted together first.
 * Rows with the same classification object (classifyMemo hands out one per distinct set of request
 * facts) differ only in link, partner, program and day, so those four are the group key; groups that
 * still meet on one rollup row (a memo cleared mid-batch) are summed by mergeDeltas.
 */
async function clickDeltas(db: Db, rows: readonly ClickRow[], classes: readonly ClickClassification[]) {
  const campaigns = await campaignsOf(db, rows.map((r) => r.linkId));
  const byClass = new Map<ClickClassification, Map<string, DeltaGroup>>();
  const groups: DeltaGroup[] = [];
  let dayNumber = NaN;
  let day = '';
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const ms = r.createdAt.getTime();
    if (Math.floor(ms / DAY_MS) !== dayNumber) {
      dayNumber = Math.floor(ms / DAY_MS);
      day = utcDay(r.createdAt);
    }
    let inClass = byClass.get(classes[i]!);
    if (!inClass) byClass.set(classes[i]!, (inClass = new Map()));
    const key = `${r.linkId}\u0000${r.partnerId}\u0000${r.programId}\u0000${day}`;
    let g = inClass.get(key);
    if (!g) {
      inClass.set(key, (g = { row: r, clicks: 0, uniqueClicks: 0, botClicks: 0 }));
      groups.push(g);
    }
    if (r.bot) g.botClicks++;
    else {
      g.clicks++;
      if (r.unique) g.uniqueClicks++;
    }
  }
  return mergeDeltas(
    groups.flatMap(({ row: r, ...counts }) =>
      deltasFor({ programId: r.programId, partnerId: r.partnerId, at: r.createdAt }, { ...r, campaign: campaigns.get(r.linkId) ?? null }, counts),
    ),
  );
}

export interface RecordOptions {
  /** SHA-256 hex of a string; default Web Crypto (async). Node's writer thread passes node:crypto's. */
  hash?: (input: string) => string | Promise<string>;
  /**
   * Look for already-stored ids before the first attempt (default true: queue redeliveries).
   * False for fresh clicks: a stored id still fails the insert, and the retry then checks.
   */
  checkStored?: boolean;
  /**
   * Last unique click time per `${linkId}|${visitorHash}` (-Infinity: none), kept across batches
   * so repeat visitors skip the database lookup. Only for a caller that is the sole writer of
   * clicks to its database (Node's writer thread); updated only after a batch commits. Without it
   * another writer may race this one, so unique rows are written guarded (insertClicks dedupSince).
   */
  knownUnique?: LruCache<string, number>;
  /**
   * The libSQL client behind `db` (Node's writer thread): clicks and rollups are written as plain
   * SQL in big multi-row statements, still one transaction. Never for D1 (100 parameters a statement).
   */
  libsql?: Client;
}

// classifyClick is pure and UA parsing dominates it; the same user agents and landing URLs repeat
// within and across batches. Bounded: cleared when full. Keys hold no IP.
const MEMO_MAX = 2_000;
const classified = new Map<string, ClickClassification>();

function classifyMemo(facts: ClickRequestFacts): ClickClassification {
  const key = [facts.userAgent, facts.referer, facts.purpose, facts.landingUrl, facts.country].map((v) => (v === null ? '\u0001' : v)).join('\u0000');
  let k = classified.get(key);
  if (!k) {
    if (classified.size >= MEMO_MAX) classified.clear();
    k = classifyClick(facts);
    classified.set(key, k);
  }
  return k;
}

/**
 * Enriches captured clicks (device, browser, OS, bot flags, referrer host, paid-ads flag), hashes
 * the visitor (IP + UA + secret salt; the IP goes no further), flags repeats of the same visitor
 * on the same link within the program's dedup window, and writes them in one batch. Concurrent
 * writers store at most one unique click per visitor, link and window: the loser's batch fails
 * its guard and is read and written again, so its rollups count what is stored.
 */
export async function recordClicks(db: Db, captured: readonly CapturedClick[], salt: string, opts: RecordOptions = {}): Promise<number> {
  const hash = opts.hash ?? sha256Hex;
  for (let attempt = 1; ; attempt++) {
    try {
      return await writeClicks(db, captured, salt, hash, attempt > 1 || opts.checkStored !== false, opts);
    } catch (err) {
      // Another delivery of some of these clicks, or another writer's unique click of one of these
      // visitors, landed meanwhile: read again (stored ids dropped, repeats flagged) and retry.
      if (!(isUniqueViolation(err) || isDedupConflict(err)) || attempt >= 4) throw err;
    }
  }
}

/**
 * Last unique click per link|visitor for the batch's distinct keys: from `known` where it has the
 * key, else the database. Each distinct key is looked up once, however often it repeats.
 */
async function lastUniqueOf(db: Db, distinct: ReadonlyMap<string, string>, known: LruCache<string, number> | undefined) {
  if (!known) return lastUniqueClicks(db, [...distinct.values()]);
  const last = new Map<string, number>();
  const ask: string[] = [];
  for (const [key, visitorHash] of distinct) {
    const at = known.get(key);
    if (at === undefined) ask.push(visitorHash);
    else if (at !== -Infinity) last.set(key, at);
  }
  if (ask.length > 0) {
    for (const [key, at] of await lastUniqueClicks(db, ask)) if (known.get(key) === undefined) last.set(key, at);
  }
  return last;
}

/** Visitor hashes in order; a synchronous hash (Node) runs without a promise per click. */
async function visitorHashes(clicks: readonly CapturedClick[], salt: string, hash: NonNullable<RecordOptions['hash']>): Promise<string[]> {
  const input = (c: CapturedClick) => `${c.ip ?? ''}|${c.userAgent ?? ''}|${salt}`;
  const first = hash(input(clicks[0]!));
  if (typeof first !== 'string') return Promise.all(clicks.map((c, i) => (i === 0 ? first : hash(input(c)))));
  const out = [first];
  for (let i = 1; i < clicks.length; i++) out.push(hash(input(clicks[i]!)) as string);
  return out;
}

const NONE: ReadonlySet<string> = new Set();

async function writeClicks(db: Db, captured: readonly CapturedClick[], salt: string, hash: NonNullable<RecordOptions['hash']>, checkStored: boolean, opts: RecordOptions): Promise<number> {
  const { knownUnique: known, libsql } = opts;
  if (captured.length === 0) return 0;
  // A redelivered batch (queue retry after a lost ack) must not count its clicks twice in rollups.
  const seen = checkStored ? await existingClickIds(db, captured.map((c) => c.id)) : NONE;
  const sorted = (seen.size > 0 ? captured.filter((c) => !seen.has(c.id)) : [...captured]).sort((a, b) => a.at.getTime() - b.at.getTime());
  if (sorted.length === 0) return 0;
  const hashes = await visitorHashes(sorted, salt, hash);
  const keys = sorted.map((c, i) => `${c.linkId}|${hashes[i]}`);
  const distinct = new Map<string, string>();
  keys.forEach((key, i) => distinct.set(key, hashes[i]!));
  const lastUnique = await lastUniqueOf(db, distinct, known);
  const classes: ClickClassification[] = [];
  const rows: ClickRow[] = sorted.map((c, i) => {
    const k = classifyMemo({
      userAgent: c.userAgent,
      referer: c.referer,
      purpose: c.purpose,
      landingUrl: c.landingUrl,
      country: c.country,
    });
    classes.push(k);
    const key = keys[i]!;
    const prev = lastUnique.get(key);
    const unique = !k.bot && (prev === undefined || c.at.getTime() - prev >= c.dedupWindowSeconds * 1000);
    if (unique) lastUnique.set(key, c.at.getTime());
    return {
      id: c.id,
      programId: c.programId,
      partnerId: c.partnerId,
      linkId: c.linkId,
      createdAt: c.at,
      country: k.country,
      deviceType: k.deviceType,
      browser: k.browser,
      os: k.os,
      referrerHost: k.referrerHost,
      paidAds: k.paidAds,
      bot: k.bot,
      botReason: k.botReason,
      unique,
      visitorHash: hashes[i]!,
    };
  });
  // libSQL binds up to 32766 parameters a statement: bigger rollup upserts than D1's 100.
  const rollups = rollupStatements(db, await clickDeltas(db, rows, classes), [], libsql ? { maxParams: 32_766 } : {});
  const dedupSince = known ? undefined : sorted.map((c) => c.at.getTime() - c.dedupWindowSeconds * 1000);
  await insertClicks(db, rows, rollups, { libsql, dedupSince });
  if (known) for (const key of distinct.keys()) known.set(key, lastUnique.get(key) ?? -Infinity);
  return rows.length;
}
