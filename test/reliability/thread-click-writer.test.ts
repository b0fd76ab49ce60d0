import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startServer } from '../helpers/server';
import { ThreadClickSink } from '../../src/clicks/thread-click-sink';
import { buildDestination } from '../../src/links/build-destination';
import { BACKSTOP_CHECKPOINT_PAGES } from '../../src/node-runtime';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';

describe('Node click writer thread (file databases)', () => {
  let s: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    s = await startServer({ env: { TRUST_PROXY: '1' } });
  });
  afterAll(async () => s.stop());

  it('is the default for a file database, and writes every click with the same dedup and bot rules', async () => {
    expect(s.clickSink).toBeInstanceOf(ThreadClickSink);
    const program = await s.json('POST', '/v1/programs', { name: 'T', currency: 'EUR', defaultUrl: 'https://a.test/', allowedHosts: ['a.test'] });
    const partner = await s.json('POST', `/v1/programs/${program.body.id}/partners`, { name: 'P', email: 'p@p.test' });
    const link = await s.json('POST', `/v1/partners/${partner.body.id}/links`, { url: 'https://a.test/x?a=1#f', utm: { source: 'nl' } });
    const hit = (ip: string, ua = CHROME) =>
      fetch(`${s.base}/${link.body.code}`, { redirect: 'manual', headers: { 'user-agent': ua, 'x-forwarded-for': ip } });
    const statuses: number[] = [];
    // 300 visitors × 2 clicks each (the second is a repeat), plus 50 Slackbot previews.
    for (let i = 0; i < 300; i++) statuses.push((await hit(`10.0.${i >> 8}.${i & 255}`)).status, (await hit(`10.0.${i >> 8}.${i & 255}`)).status);
    for (let i = 0; i < 50; i++) statuses.push((await hit('10.9.9.9', 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)')).status);
    expect(new Set(statuses)).toEqual(new Set([302]));
    const last = await hit('10.1.1.1');
    const clickId = new URL(last.headers.get('location')!).searchParams.get('rcid')!;
    expect(last.headers.get('location')).toBe(buildDestination('https://a.test/x?a=1#f', 'rcid', clickId, { source: 'nl' }));
    await s.clickSink.flush();
    const stats = await s.json('GET', `/v1/links/${link.body.id}/stats`);
    expect(stats.body).toEqual({ linkId: link.body.id, clicks: 601, uniqueClicks: 301, botClicks: 50 });
    const [row] = await s.db.all<{ n: number }>(sql`select count(*) as n from clicks`);
    expect(Number(row!.n)).toBe(651);
    // A lead right after flush() finds the click the thread wrote.
    const lead = await s.json('POST', '/v1/track/lead', { clickId, customer: { externalId: 'c1' } });
    expect(lead.body.event).toMatchObject({ status: 'attributed', clickId });
  });

  it('checkpoints in the background: what the request thread writes reaches the file without a checkpoint in a request', async () => {
    const setting = await s.db.$client.execute('PRAGMA wal_autocheckpoint');
    expect(Number(setting.rows[0]![0])).toBe(BACKSTOP_CHECKPOINT_PAGES);
    await s.db.$client.execute('CREATE TABLE filler (b BLOB NOT NULL)');
    const before = statSync(s.file).size;
    // ~2 MB in the WAL from the request thread's connection: under either auto-checkpoint (4000
    // pages before, BACKSTOP_CHECKPOINT_PAGES now), that connection checkpoints nothing itself.
    for (let i = 0; i < 10; i++) {
      await s.db.$client.batch(Array.from({ length: 50 }, () => ({ sql: 'INSERT INTO filler VALUES (randomblob(4000))', args: [] })), 'write');
    }
    const deadline = Date.now() + 3_000;
    while (statSync(s.file).size < before + 2_000_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(statSync(s.file).size).toBeGreaterThanOrEqual(before + 2_000_000);
  });

  // Linux keeps a nice value per thread (field 19 of /proc/<pid>/task/<tid>/stat).
  it.runIf(existsSync('/proc/thread-self/stat'))('runs the writer thread CLICK_WRITER_NICE levels (default 19) below the request thread', async () => {
    const niceOf = (tid: string) => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
    const threads = () => new Map(readdirSync('/proc/self/task').map((tid) => [tid, niceOf(tid)]));
    const base = niceOf(String(process.pid));
    for (const [nice, expected] of [['19', Math.min(19, base + 19)], ['5', Math.min(19, base + 5)], [undefined, Math.min(19, base + 19)], ['0', base]] as const) {
      const before = threads();
      const t = await startServer({ env: nice === undefined ? {} : { CLICK_WRITER_NICE: nice } });
      try {
        const fresh = [...threads()].filter(([tid]) => !before.has(tid));
        // The new threads: the writer (at its nice value) and V8/libuv helpers at the process's.
        expect(fresh.filter(([, n]) => n === expected).length).toBeGreaterThanOrEqual(1);
        if (expected !== base) expect(fresh.filter(([, n]) => n !== base)).toHaveLength(1);
      } finally {
        await t.stop();
      }
    }
  });
});
