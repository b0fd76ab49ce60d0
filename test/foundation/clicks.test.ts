import { describe, expect, it, vi } from 'vitest';
import { makeApp, seedProgram, type TestApp } from '../helpers/app';
import { recordClicks } from '../../src/clicks/record-clicks';
import type { CapturedClick } from '../../src/clicks/click-sink';
import { newId } from '../../src/lib/ids';
import { CHROME_MAC, FIREFOX_WIN, IPHONE_SAFARI, clickIdOf, countRows, createLink, rawClient, rawRows, visit } from './support';

/** An app that trusts x-forwarded-for, so tests can play distinct visitors. */
async function proxiedApp(overrides: Record<string, unknown> = {}) {
  const t = await makeApp({ env: { TRUST_PROXY: '1' } });
  const seeded = await seedProgram(t, overrides);
  return { t, ...seeded };
}

const from = (ip: string, ua = CHROME_MAC, extra: Record<string, string> = {}) => ({ 'x-forwarded-for': ip, 'user-agent': ua, ...extra });

async function clickRows(t: TestApp) {
  await t.clickSink.flush();
  return (await rawRows(t, 'clicks')).sort((a, b) => Number(a.created_at) - Number(b.created_at));
}

async function stats(t: TestApp, linkId: string) {
  const r = await t.json('GET', `/v1/links/${linkId}/stats`);
  expect(r.status).toBe(200);
  return r.body;
}

describe('click capture — what is stored', () => {
  it('stores program, partner, link, app-clock time, country, device, browser, OS, referrer host and paid-ads flag', async () => {
    const { t, program, partner } = await proxiedApp();
    const res = await visit(t, `/${partner.code}?gclid=abc123`, {
      ...from('198.51.100.7', IPHONE_SAFARI),
      'cf-ipcountry': 'DE',
      referer: 'https://News.Example.com/article?id=1',
    });
    const [row] = await clickRows(t);
    expect(row).toEqual({
      id: clickIdOf(res),
      program_id: program.id,
      partner_id: partner.id,
      link_id: partner.defaultLink.id,
      created_at: t.now.getTime(),
      country: 'DE',
      device_type: 'mobile',
      browser: 'Mobile Safari',
      os: 'iOS',
      referrer_host: 'news.example.com',
      paid_ads: 1,
      bot: 0,
      bot_reason: null,
      is_unique: 1,
      visitor_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('a desktop click without referrer, country or ad id', async () => {
    const { t, partner } = await proxiedApp();
    await visit(t, `/${partner.code}?utm_source=x`, from('198.51.100.8', FIREFOX_WIN));
    const [row] = await clickRows(t);
    expect(row).toMatchObject({ device_type: 'desktop', browser: 'Firefox', os: 'Windows', referrer_host: null, country: null, paid_ads: 0 });
  });

  it('click time is the app clock, not the wall clock', async () => {
    const { t, partner } = await proxiedApp();
    t.setNow(new Date('2030-01-02T03:04:05.678Z'));
    await visit(t, `/${partner.code}`);
    expect((await clickRows(t))[0]!.created_at).toBe(Date.parse('2030-01-02T03:04:05.678Z'));
  });

  it.each(['gclid', 'fbclid', 'msclkid', 'ttclid'])('%s in the landing query marks a paid-ads click', async (param) => {
    const { t, partner } = await proxiedApp();
    await visit(t, `/${partner.code}?${param}=xyz`);
    expect((await clickRows(t))[0]!.paid_ads).toBe(1);
  });

  it.each([
    ['Slackbot', 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', {}],
    ['facebookexternalhit', 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', {}],
    ['Twitterbot', 'Twitterbot/1.0', {}],
    ['WhatsApp', 'WhatsApp/2.23.20.0 A', {}],
    ['Googlebot', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', {}],
  ])('%s is a bot click, never unique', async (_name, ua, extra) => {
    const { t, partner } = await proxiedApp();
    const res = await visit(t, `/${partner.code}`, from('198.51.100.9', ua, extra));
    expect(res.status).toBe(302);
    const [row] = await clickRows(t);
    expect(row).toMatchObject({ bot: 1, is_unique: 0, device_type: 'bot' });
    expect(row!.bot_reason).toEqual(expect.any(String));
  });

  it('the raw IP is never stored in any column of any table', async () => {
    const { t, partner } = await proxiedApp();
    const ips = ['203.0.113.77', '2001:db8::1234'];
    for (const ip of ips) {
      await visit(t, `/${partner.code}`, from(ip));
      await visit(t, `/${partner.code}`, from(`${ip}, 10.0.0.1`, FIREFOX_WIN));
    }
    const rows = await clickRows(t);
    expect(rows).toHaveLength(4);
    const tables = (await rawClient(t).execute("select name from sqlite_master where type = 'table'")).rows.map((r) => String(r.name));
    expect(tables).toContain('clicks');
    for (const table of tables) {
      for (const row of await rawRows(t, table)) {
        for (const [col, value] of Object.entries(row)) {
          for (const ip of ips) expect(String(value), `${table}.${col}`).not.toContain(ip);
        }
      }
    }
  });
});

describe('click capture — unique visitors', () => {
  it('same visitor + same link: not unique within dedupWindowSeconds, unique again at the window (3599 s / 3600 s)', async () => {
    const { t, partner } = await proxiedApp();
    const visitor = from('198.51.100.10');
    const path = `/${partner.code}`;
    await visit(t, path, visitor);
    await t.clickSink.flush();
    t.advance(3_599_000);
    await visit(t, path, visitor);
    await t.clickSink.flush();
    t.advance(1_000);
    await visit(t, path, visitor);
    expect((await clickRows(t)).map((r) => r.is_unique)).toEqual([1, 0, 1]);
  });

  it('the same window rule holds when all clicks are written in one batch', async () => {
    const { t, partner } = await proxiedApp();
    const visitor = from('198.51.100.11');
    for (const step of [0, 1_000, 3_598_000, 1_000]) {
      t.advance(step);
      await visit(t, `/${partner.code}`, visitor);
    }
    // t=0 unique, t=1 s and t=3599 s repeats, t=3600 s unique again
    expect((await clickRows(t)).map((r) => r.is_unique)).toEqual([1, 0, 0, 1]);
  });

  it('a different link, a different UA or a different IP is a new unique visitor', async () => {
    const { t, partner } = await proxiedApp();
    const other = await createLink(t, partner.id, { code: 'second' });
    await visit(t, `/${partner.code}`, from('198.51.100.12'));
    await visit(t, `/${other.code}`, from('198.51.100.12'));
    await visit(t, `/${partner.code}`, from('198.51.100.12', FIREFOX_WIN));
    await visit(t, `/${partner.code}`, from('198.51.100.13'));
    await visit(t, `/${partner.code}`, from('198.51.100.12')); // the only repeat
    expect((await clickRows(t)).map((r) => r.is_unique)).toEqual([1, 1, 1, 1, 0]);
  });

  it('without TRUST_PROXY a spoofed x-forwarded-for does not make a new visitor', async () => {
    const t = await makeApp();
    const { partner } = await seedProgram(t);
    await visit(t, `/${partner.code}`, from('198.51.100.40'));
    await visit(t, `/${partner.code}`, from('198.51.100.41'));
    expect((await clickRows(t)).map((r) => r.is_unique)).toEqual([1, 0]);
  });

  it("honours the program's dedupWindowSeconds", async () => {
    const { t, partner } = await proxiedApp({ dedupWindowSeconds: 60 });
    const v = from('198.51.100.14');
    await visit(t, `/${partner.code}`, v);
    t.advance(59_000);
    await visit(t, `/${partner.code}`, v);
    t.advance(1_000);
    await visit(t, `/${partner.code}`, v);
    expect((await clickRows(t)).map((r) => r.is_unique)).toEqual([1, 0, 1]);
  });
});

describe('click capture — odd visitors and windows', () => {
  it('dedupWindowSeconds 0: every human click is unique', async () => {
    const { t, partner } = await proxiedApp({ dedupWindowSeconds: 0 });
    for (let i = 0; i < 3; i++) await visit(t, `/${partner.code}`, from('198.51.100.50'));
    expect((await clickRows(t)).map((r) => r.is_unique)).toEqual([1, 1, 1]);
  });

  it('bots are never unique and open no window; a prefetch is declined and stores nothing: bot, human, prefetch, human → 0, 1, 0', async () => {
    const { t, partner } = await proxiedApp();
    await visit(t, `/${partner.code}`, from('198.51.100.51', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'));
    await visit(t, `/${partner.code}`, from('198.51.100.51'));
    expect((await visit(t, `/${partner.code}`, from('198.51.100.51', CHROME_MAC, { 'sec-purpose': 'prefetch' }))).status).toBe(403);
    await visit(t, `/${partner.code}`, from('198.51.100.51'));
    const rows = await clickRows(t);
    expect(rows.map((r) => [r.is_unique, r.bot, r.bot_reason])).toEqual([[0, 1, 'crawler'], [1, 0, null], [0, 0, null]]);
  });

  it('TRUST_PROXY: an X-Forwarded-For entry with a port (Azure) is the same visitor whatever the port', async () => {
    const { t, partner } = await proxiedApp();
    for (const ip of ['203.0.113.9:50001', '203.0.113.9:50002', '203.0.113.9', '10.0.0.1, 203.0.113.9:443', '[2001:db8::1]:1', '[2001:db8::1]:2', '2001:db8::1']) {
      await visit(t, `/${partner.code}`, from(ip));
    }
    expect((await clickRows(t)).map((r) => r.is_unique)).toEqual([1, 0, 0, 0, 1, 0, 0]);
  });
});

describe('GET /v1/links/:id/stats', () => {
  it('exact counts after a mixed sequence: 3 human (one visitor) + 1 other visitor + 2 bots + 1 prefetch (not counted) → 4 / 2 / 2', async () => {
    const { t, partner } = await proxiedApp();
    const link = await createLink(t, partner.id, { code: 'stats' });
    expect(await stats(t, link.id)).toEqual({ linkId: link.id, clicks: 0, uniqueClicks: 0, botClicks: 0 });
    const a = from('198.51.100.20');
    await visit(t, '/stats', a);
    t.advance(60_000);
    await visit(t, '/stats', a);
    t.advance(60_000);
    await visit(t, '/stats', a);
    await visit(t, '/stats', from('198.51.100.21'));
    await visit(t, '/stats', from('198.51.100.22', 'Twitterbot/1.0'));
    await visit(t, '/stats', from('198.51.100.22', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'));
    await visit(t, '/stats', from('198.51.100.22', CHROME_MAC, { 'sec-purpose': 'prefetch' })); // declined: not counted at all
    // Clicks on another link and HEAD requests do not count here.
    await visit(t, `/${partner.code}`, from('198.51.100.23'));
    await visit(t, '/stats', a, 'HEAD');
    await t.clickSink.flush();
    expect(await stats(t, link.id)).toEqual({ linkId: link.id, clicks: 4, uniqueClicks: 2, botClicks: 2 });
  });

  it('needs programs:read (which programs:write includes)', async () => {
    const { t, partner } = await proxiedApp();
    const key = (await t.json('POST', '/v1/api-keys', { name: 'w', scopes: ['conversions:write', 'ledger:write'] })).body.key;
    const r = await t.json('GET', `/v1/links/${partner.defaultLink.id}/stats`, undefined, { authorization: `Bearer ${key}` });
    expect(r.status).toBe(403);
    const writer = (await t.json('POST', '/v1/api-keys', { name: 'pw', scopes: ['programs:write'] })).body.key;
    const ok = await t.json('GET', `/v1/links/${partner.defaultLink.id}/stats`, undefined, { authorization: `Bearer ${writer}` });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ linkId: partner.defaultLink.id, clicks: 0, uniqueClicks: 0, botClicks: 0 });
  });
});

describe('buffered click writer', () => {
  it('1,200 clicks through real redirects are all in the database after flush', async () => {
    const { t, partner } = await proxiedApp();
    const ids = new Set<string>();
    for (let i = 0; i < 1200; i++) {
      const res = await visit(t, `/${partner.code}`, from(`10.0.${i >> 8}.${i & 255}`));
      expect(res.status).toBe(302);
      ids.add(clickIdOf(res)!);
    }
    await t.clickSink.flush();
    expect(ids.size).toBe(1200);
    expect(await countRows(t, 'clicks')).toBe(1200);
    expect(await stats(t, partner.defaultLink.id)).toMatchObject({ clicks: 1200, uniqueClicks: 1200, botClicks: 0 });
    const stored = new Set((await rawRows(t, 'clicks')).map((r) => String(r.id)));
    expect(stored).toEqual(ids);
  });

  it('concurrent redirects lose nothing and dedup stays exact', async () => {
    const { t, partner } = await proxiedApp();
    const responses = await Promise.all(
      Array.from({ length: 1200 }, (_, i) => visit(t, `/${partner.code}`, from(`10.1.0.${i % 100}`))),
    );
    expect(responses.every((r) => r.status === 302)).toBe(true);
    await t.clickSink.flush();
    expect(await countRows(t, 'clicks')).toBe(1200);
    expect(await stats(t, partner.defaultLink.id)).toMatchObject({ clicks: 1200, uniqueClicks: 100 });
  });

  it('flushes on its own after ~250 ms without flush()', async () => {
    const { t, partner } = await proxiedApp();
    await visit(t, `/${partner.code}`);
    await visit(t, `/${partner.code}`, from('198.51.100.30'));
    await vi.waitFor(async () => expect(await countRows(t, 'clicks')).toBe(2), { timeout: 5_000, interval: 25 });
  });

  it('a redelivered batch writes nothing twice', async () => {
    const { t, program, partner } = await proxiedApp();
    const batch: CapturedClick[] = Array.from({ length: 25 }, (_, i) => ({
      id: newId('clk'),
      at: new Date(t.now.getTime() + i * 1000),
      linkId: partner.defaultLink.id,
      programId: program.id,
      partnerId: partner.id,
      dedupWindowSeconds: 3600,
      ip: `198.51.100.${i % 3}`,
      userAgent: CHROME_MAC,
      referer: null,
      purpose: null,
      landingUrl: `https://ref.test/${partner.code}`,
      country: 'FR',
    }));
    await recordClicks(t.db, batch, 'test-salt');
    const first = await rawRows(t, 'clicks');
    expect(first).toHaveLength(25);
    await recordClicks(t.db, batch, 'test-salt');
    await recordClicks(t.db, batch.slice(5, 15), 'test-salt');
    const again = await rawRows(t, 'clicks');
    expect(again).toHaveLength(25);
    expect(again).toEqual(first); // the first write stands, unique flags included
    expect(await stats(t, partner.defaultLink.id)).toMatchObject({ clicks: 25, uniqueClicks: 3 });
  });
});
