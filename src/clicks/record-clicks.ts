import { isUniqueViolation, type Db } from '../db/client';
import { insertClicks, lastUniqueClicks, type ClickRow } from '../db/queries/clicks';
import { sha256Hex } from '../lib/hash';
import type { CapturedClick } from './click-sink';
import { classifyClick } from './classify-click';
import { campaignsOf, existingClickIds, rollupStatements } from '../db/queries/rollups';
import { deltasFor, mergeDeltas } from '../reports/rollup-deltas';

async function clickDeltas(db: Db, rows: readonly ClickRow[]) {
  const campaigns = await campaignsOf(db, rows.map((r) => r.linkId));
  return mergeDeltas(
    rows.flatMap((r) =>
      deltasFor(
        { programId: r.programId, partnerId: r.partnerId, at: r.createdAt },
        { ...r, campaign: campaigns.get(r.linkId) ?? null },
        r.bot ? { botClicks: 1 } : { clicks: 1, uniqueClicks: r.unique ? 1 : 0 },
      ),
    ),
  );
}

/**
 * Enriches captured clicks (device, browser, OS, bot flags, referrer host, paid-ads flag), hashes
 * the visitor (IP + UA + secret salt; the IP goes no further), flags repeats of the same visitor
 * on the same link within the program's dedup window, and writes them in one batch.
 */
export async function recordClicks(db: Db, captured: readonly CapturedClick[], salt: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await writeClicks(db, captured, salt);
    } catch (err) {
      // Another delivery of some of these clicks landed meanwhile: drop the stored ones and retry.
      if (!isUniqueViolation(err) || attempt >= 3) throw err;
    }
  }
}

async function writeClicks(db: Db, captured: readonly CapturedClick[], salt: string): Promise<number> {
  if (captured.length === 0) return 0;
  // A redelivered batch (queue retry after a lost ack) must not count its clicks twice in rollups.
  const seen = await existingClickIds(db, captured.map((c) => c.id));
  const sorted = captured.filter((c) => !seen.has(c.id)).sort((a, b) => a.at.getTime() - b.at.getTime());
  if (sorted.length === 0) return 0;
  const hashes = await Promise.all(sorted.map((c) => sha256Hex(`${c.ip ?? ''}|${c.userAgent ?? ''}|${salt}`)));
  const lastUnique = await lastUniqueClicks(db, hashes);
  const rows: ClickRow[] = sorted.map((c, i) => {
    const k = classifyClick({
      userAgent: c.userAgent,
      referer: c.referer,
      purpose: c.purpose,
      landingUrl: c.landingUrl,
      country: c.country,
    });
    const visitorHash = hashes[i]!;
    const key = `${c.linkId}|${visitorHash}`;
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
  await insertClicks(db, rows, rollupStatements(db, await clickDeltas(db, rows)));
  return rows.length;
}
