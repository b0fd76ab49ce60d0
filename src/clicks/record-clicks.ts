import type { Client } from '@libsql/client';
import { isUniqueViolation, type Db } from '../db/client';
import { insertClicks, lastUniqueClicks, type ClickRow } from '../db/queries/clicks';
import { sha256Hex } from '../lib/hash';
import type { LruCache } from '../lib/lru';
import type { CapturedClick } from './click-sink';
import { classifyClick, type ClickClassification, type ClickRequestFacts } from './classify-click';
import { campaignsOf, existingClickIds, rollupStatements } from '../db/queries/rollups';
import { deltasFor, mergeDeltas, utcDay } from '../reports/rollup-deltas';

/** Rollup deltas of a batch: clicks with the same dimension facts are counted together first. */
async function clickDeltas(db: Db, rows: readonly ClickRow[]) {
  const campaigns = await campaignsOf(db, rows.map((r) => r.linkId));
  const groups = new Map<string, { row: ClickRow; clicks: number; uniqueClicks: number; botClicks: number }>();
  for (const r of rows) {
    const key = [r.programId, r.partnerId, utcDay(r.createdAt), r.linkId, r.country, r.deviceType, r.browser, r.os, r.referrerHost].join('\u0000');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { row: r, clicks: 0, uniqueClicks: 0, botClicks: 0 }));
    if (r.bot) g.botClicks++;
    else {
      g.clicks++;
      if (r.unique) g.uniqueClicks++;
    }
  }
  return mergeDeltas(
    [...groups.values()].flatMap(({ row: r, ...counts }) =>
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
   * clicks to its database (Node's writer thread); updated only after a batch commits.
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
 * on the same link within the program's dedup window, and writes them in one batch.
 */
export async function recordClicks(db: Db, captured: readonly CapturedClick[], salt: string, opts: RecordOptions = {}): Promise<number> {
  const hash = opts.hash ?? sha256Hex;
  for (let attempt = 1; ; attempt++) {
    try {
      return await writeClicks(db, captured, salt, hash, attempt > 1 || opts.checkStored !== false, opts);
    } catch (err) {
      // Another delivery of some of these clicks landed meanwhile: drop the stored ones and retry.
      if (!isUniqueViolation(err) || attempt >= 3) throw err;
    }
  }
}

/** Last unique click per link|visitor for the batch: from `known` where it has the key, else the database. */
async function lastUniqueOf(db: Db, keys: readonly string[], hashes: readonly string[], known: LruCache<string, number> | undefined) {
  if (!known) return lastUniqueClicks(db, hashes);
  const last = new Map<string, number>();
  const ask: string[] = [];
  keys.forEach((key, i) => {
    const at = known.get(key);
    if (at === undefined) ask.push(hashes[i]!);
    else if (at !== -Infinity) last.set(key, at);
  });
  if (ask.length > 0) {
    for (const [key, at] of await lastUniqueClicks(db, ask)) if (known.get(key) === undefined) last.set(key, at);
  }
  return last;
}

async function writeClicks(db: Db, captured: readonly CapturedClick[], salt: string, hash: NonNullable<RecordOptions['hash']>, checkStored: boolean, opts: RecordOptions): Promise<number> {
  const { knownUnique: known, libsql } = opts;
  if (captured.length === 0) return 0;
  // A redelivered batch (queue retry after a lost ack) must not count its clicks twice in rollups.
  const seen = checkStored ? await existingClickIds(db, captured.map((c) => c.id)) : new Set<string>();
  const sorted = captured.filter((c) => !seen.has(c.id)).sort((a, b) => a.at.getTime() - b.at.getTime());
  if (sorted.length === 0) return 0;
  const hashes = await Promise.all(sorted.map((c) => hash(`${c.ip ?? ''}|${c.userAgent ?? ''}|${salt}`)));
  const keys = sorted.map((c, i) => `${c.linkId}|${hashes[i]}`);
  const lastUnique = await lastUniqueOf(db, keys, hashes, known);
  const rows: ClickRow[] = sorted.map((c, i) => {
    const k = classifyMemo({
      userAgent: c.userAgent,
      referer: c.referer,
      purpose: c.purpose,
      landingUrl: c.landingUrl,
      country: c.country,
    });
    const visitorHash = hashes[i]!;
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
      visitorHash,
    };
  });
  // libSQL binds up to 32766 parameters a statement: bigger rollup upserts than D1's 100.
  const rollups = rollupStatements(db, await clickDeltas(db, rows), [], libsql ? { maxParams: 32_766 } : {});
  await insertClicks(db, rows, rollups, { libsql });
  if (known) for (const key of keys) known.set(key, lastUnique.get(key) ?? -Infinity);
  return rows.length;
}
