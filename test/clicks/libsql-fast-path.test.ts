import { describe, expect, it } from 'vitest';
import { asc, sql } from 'drizzle-orm';
import { makeApp } from '../helpers/app';
import { recordClicks } from '../../src/clicks/record-clicks';
import type { CapturedClick } from '../../src/clicks/click-sink';
import { clicks, dailyRollups } from '../../src/db/schema';

const UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
  'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
  null,
];

/** Deterministic clicks over 3 links, 2 days, repeat visitors, bots, prefetches and referrers. */
function capturedClicks(n: number): CapturedClick[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `clk_fast${String(i).padStart(6, '0')}`,
    at: new Date(Date.UTC(2026, 2, 1 + (i % 2), 10, 0, i % 60, i % 1000)),
    linkId: `lnk_${i % 3}`,
    programId: 'prg_fast',
    partnerId: `ptn_${i % 3}`,
    dedupWindowSeconds: 3600,
    ip: `10.0.0.${i % 37}`,
    userAgent: UAS[i % UAS.length]!,
    referer: i % 5 === 0 ? `https://site${i % 7}.example/page` : null,
    purpose: i % 11 === 0 ? 'prefetch' : null,
    landingUrl: `https://ref.test/x${i % 13 === 0 ? '?gclid=1' : ''}`,
    country: ['DE', 'US', null][i % 3]!,
  }));
}

async function dump(t: Awaited<ReturnType<typeof makeApp>>) {
  const c = await t.db.select().from(clicks).orderBy(asc(clicks.id));
  const r = await t.db.select().from(dailyRollups).orderBy(sql`program_id, partner_id, day, dim, key`);
  return { c, r };
}

describe('libSQL fast path for click batches (raw multi-row SQL, one write transaction)', () => {
  it('stores exactly the same clicks and rollups as the drizzle path, and still refuses stored ids', async () => {
    const viaDrizzle = await makeApp();
    const viaRaw = await makeApp();
    const batch = capturedClicks(450); // > 200 rows: several multi-row statements
    expect(await recordClicks(viaDrizzle.db, batch, 'salt')).toBe(450);
    expect(await recordClicks(viaRaw.db, batch, 'salt', { libsql: viaRaw.db.$client })).toBe(450);
    const a = await dump(viaDrizzle);
    const b = await dump(viaRaw);
    expect(b.c).toEqual(a.c);
    expect(b.r).toEqual(a.r);
    expect(a.c.length).toBe(450);
    // A redelivery with two new clicks: the stored ones are skipped, rollups count each click once.
    const again = [...batch.slice(0, 10), ...capturedClicks(452).slice(450)];
    expect(await recordClicks(viaRaw.db, again, 'salt', { libsql: viaRaw.db.$client, checkStored: false })).toBe(2);
    expect(await recordClicks(viaDrizzle.db, again, 'salt')).toBe(2);
    expect((await dump(viaRaw)).r).toEqual((await dump(viaDrizzle)).r);
    expect((await dump(viaRaw)).c.length).toBe(452);
  });
});
