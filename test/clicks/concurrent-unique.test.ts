import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createNodeRuntime } from '../../src/node-runtime';
import { DirectClickSink } from '../../src/clicks/direct-click-sink';
import { recordClicks } from '../../src/clicks/record-clicks';
import type { CapturedClick } from '../../src/clicks/click-sink';
import { makeApp, seedProgram, ADMIN_KEY } from '../helpers/app';

const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const env = { ADMIN_API_KEY: ADMIN_KEY, VISITOR_SALT: 'test-salt', PUBLIC_URL: 'https://ref.test', RATE_LIMIT_PER_SECOND: '0' };

const click = (i: number, over: Partial<CapturedClick> = {}): CapturedClick => ({
  id: `clk_race${String(i).padStart(4, '0')}`,
  at: new Date(Date.UTC(2026, 2, 1, 12, 0, 0, i)),
  linkId: 'lnk_race',
  programId: 'prg_race',
  partnerId: 'ptn_race',
  dedupWindowSeconds: 3600,
  ip: '203.0.113.9',
  userAgent: UA,
  referer: null,
  purpose: null,
  landingUrl: 'https://ref.test/race',
  country: 'DE',
  ...over,
});

async function counts(db: Awaited<ReturnType<typeof makeApp>>['db'], linkId: string) {
  const rows = await db.$client.execute({ sql: 'select count(*) as n, sum(is_unique) as u from clicks where link_id = ?', args: [linkId] });
  const roll = await db.$client.execute({ sql: `select sum(clicks) as n, sum(unique_clicks) as u from daily_rollups where dim = 'link' and key = ?`, args: [linkId] });
  return { stored: { ...rows.rows[0] }, rollup: { ...roll.rows[0] } };
}

describe('unique clicks under concurrent writers (the dedup decision is part of the insert)', () => {
  it('Workers sink on libSQL: 8 identical clicks written at once store one unique click, rollups agree', async () => {
    const t = await makeApp();
    const sink = new DirectClickSink(t.db, 'test-salt');
    for (let i = 0; i < 8; i++) sink.capture(click(i), null);
    await sink.flush();
    expect(await counts(t.db, 'lnk_race')).toEqual({ stored: { n: 8, u: 1 }, rollup: { n: 8, u: 1 } });
    // Two at once an hour (the window) after the first: one of them is unique again.
    await Promise.all([recordClicks(t.db, [click(100, { at: new Date(Date.UTC(2026, 2, 1, 13, 0, 0, 0)) })], 'test-salt'), recordClicks(t.db, [click(101, { at: new Date(Date.UTC(2026, 2, 1, 13, 0, 0, 1)) })], 'test-salt')]);
    expect(await counts(t.db, 'lnk_race')).toEqual({ stored: { n: 10, u: 2 }, rollup: { n: 10, u: 2 } });
  });

  const dir = mkdtempSync(join(tmpdir(), 'reflink-unique-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('two Node processes on one file (WORKERS=2): the same visitor through both apps at once is one unique click', async () => {
    const file = join(dir, 'two.db');
    const a = await createNodeRuntime({ databaseUrl: file, env, sharedFile: true, clickWriter: 'inline' });
    const b = await createNodeRuntime({ databaseUrl: file, env, sharedFile: true, clickWriter: 'inline' });
    try {
      const req = (path: string, init: RequestInit = {}) => a.app.request(path, { ...init, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', ...init.headers } });
      const program: any = await (await req('/v1/programs', { method: 'POST', body: JSON.stringify({ name: 'R', currency: 'EUR', defaultUrl: 'https://acme.test/', allowedHosts: ['acme.test'] }) })).json();
      const partner: any = await (await req(`/v1/programs/${program.id}/partners`, { method: 'POST', body: JSON.stringify({ name: 'P', email: 'p@p.test' }) })).json();
      const { code, id: linkId } = partner.defaultLink;
      const visit = (rt: typeof a) => rt.app.request(`/${code}`, { headers: { 'user-agent': UA } });
      const redirects = await Promise.all([a, b, a, b, a, b].map(visit));
      expect(redirects.map((r) => r.status)).toEqual([302, 302, 302, 302, 302, 302]);
      await Promise.all([a.clickSink.flush(), b.clickSink.flush()]);
      expect(await counts(a.db, linkId)).toEqual({ stored: { n: 6, u: 1 }, rollup: { n: 6, u: 1 } });
      const stats = await (await req(`/v1/links/${linkId}/stats`)).json();
      expect(stats).toEqual({ linkId, clicks: 6, uniqueClicks: 1, botClicks: 0 });
    } finally {
      await a.close();
      await b.close();
      a.db.$client.close();
      b.db.$client.close();
    }
  });
});
