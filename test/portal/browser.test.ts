import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY } from '../helpers/app';
import { startServer } from '../helpers/server';
import { JWT_SECRET, ok } from '../me/helpers';
import { launchChromium, me, seedWorld, type Server } from './browser-support';

// The partner portal in a real browser (Debian chromium via playwright-core) against the real Node
// runtime over loopback HTTP: everything the page shows must equal what the partner's API says.

const WAIT = { timeout: 5_000 };

interface Balance { unit: string; pending: number; approved: number; paid: number; formatted: { pending: string; approved: string; paid: string } }
interface Commission { id: string; amount: number; unit: string; status: string; holdUntil: string }
interface Link { code: string; url: string; shortUrl: string }
interface ReportRow { key: string; clicks: number; leads: number; sales: number }
interface Report { from: string; to: string; rows: ReportRow[] }
/** The page's navigator (tsc here knows the WebWorker lib, not the DOM's Clipboard API). */
/** The page's window, for the same reason. */
type PageWindow = { getComputedStyle(el: unknown): { strokeDasharray: string } };
type PageNavigator = { clipboard: { readText(): Promise<string>; writeText(text: string): Promise<void> } };

describe('partner portal in chromium', () => {
  let s: Server;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let world: Awaited<ReturnType<typeof seedWorld>>;
  /** CSP violations and script errors the page reported (a page answered with a 4xx is not one). */
  const pageErrors: string[] = [];
  const api = <T = any>(path: string) => me<T>(s, world.token, path);

  beforeAll(async () => {
    // No PUBLIC_URL: share URLs and the sign-in link use the request origin (this server).
    // startServer spreads `opts` over its own env defaults, so pass them all again.
    s = await startServer({ env: { ADMIN_API_KEY: ADMIN_KEY, VISITOR_SALT: 'test-salt', RATE_LIMIT_PER_SECOND: '0', JWT_SECRET } });
    world = await seedWorld(s);
    browser = await launchChromium();
    context = await browser.newContext({ acceptDownloads: true, permissions: ['clipboard-read', 'clipboard-write'], viewport: { width: 1200, height: 900 } });
    context.setDefaultTimeout(WAIT.timeout);
    context.setDefaultNavigationTimeout(10_000);
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
    });
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    await s?.stop();
  });

  it('signs in through the #token= link after confirming who, and keeps the Secure session cookie on http://127.0.0.1', async () => {
    expect(world.portalUrl).toBe(`${s.base}/portal/login#token=${world.token}`);
    const requested: string[] = [];
    const track = (r: { url(): string; method(): string }) => requested.push(`${r.method()} ${r.url()}`);
    page.on('request', track);
    // The page's script posts the fragment's token (step=ask); the answer asks, naming program and partner.
    const [asked] = await Promise.all([
      page.waitForRequest((r) => r.url() === `${s.base}/portal/login` && r.method() === 'POST'),
      page.goto(world.portalUrl, { waitUntil: 'commit' }),
    ]);
    expect(Object.fromEntries(new URLSearchParams(asked.postData()!))).toEqual({ token: world.token, step: 'ask' });
    expect((await asked.response())?.status()).toBe(200);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), WAIT).toBe('Sign in to the Acme referrals partner portal as Jane (j•••@partner.test)?');
    expect(page.url()).toBe(`${s.base}/portal/login`); // the token left the address bar
    page.off('request', track);
    // No request line carried the token: the GET's URL stops at the fragment.
    expect(requested.filter((r) => r.includes('token=')).map((r) => r.replace(world.token, 'TOKEN'))).toEqual([]);
    expect(requested.slice(0, 2)).toEqual([`GET ${s.base}/portal/login`, `POST ${s.base}/portal/login`]);
    expect((await context.cookies(s.base)).find((c) => c.name === '__Host-rl_portal')).toBeUndefined();
    expect((await context.cookies(s.base)).find((c) => c.name === '__Host-rl_login')).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict', path: '/' });
    const [posted] = await Promise.all([
      page.waitForRequest((r) => r.url() === `${s.base}/portal/login` && r.method() === 'POST'),
      page.getByRole('button', { name: 'Sign in as Jane' }).click(),
    ]);
    // The page is no-referrer (a ?token= link's URL holds the token), so the browser's Origin is `null`.
    expect(await posted.headerValue('referer')).toBeNull();
    expect(await posted.headerValue('origin')).toBe('null');
    expect(await posted.headerValue('sec-fetch-site')).toBe('same-origin');
    expect((await posted.response())?.status()).toBe(303);
    await page.waitForURL(`${s.base}/portal`);
    expect(page.url()).not.toContain('token='); // the token is in no URL after sign-in
    expect((await context.cookies(s.base)).find((c) => c.name === '__Host-rl_login')).toBeUndefined();
    await expect.poll(() => page.locator('header .muted').textContent(), WAIT).toContain('Signed in as Jane');
    // Chromium counts loopback as a secure context, so it keeps the Secure cookie over plain http.
    const cookies = await context.cookies(s.base);
    expect(cookies.find((c) => c.name === '__Host-rl_portal')).toMatchObject({ value: world.token, secure: true, httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(await page.evaluate(() => globalThis.isSecureContext)).toBe(true);
    // Back: the question's entry became plain GET /portal/login (its script), so no "Confirm form
    // resubmission" and no token — the page says this browser is signed in, with the way back
    await page.goBack();
    expect(page.url()).toBe(`${s.base}/portal/login`);
    await page.getByRole('link', { name: 'Go to your partner portal' }).click();
    await page.waitForURL(`${s.base}/portal`);
  });

  it('shows the same balances, commissions, links and daily numbers as the partner API', async () => {
    const { balances } = await api<{ balances: Balance[] }>('/v1/me/balance');
    expect(balances).toHaveLength(1);
    expect(balances[0]).toMatchObject({ unit: 'EUR', pending: 300, approved: 3740, paid: 0 });
    // The portal shows money as its explanations do (formatMoney), not the API's bare decimals.
    const SHOWN_BALANCE = { pending: '€3.00', approved: '€37.40', paid: '€0.00' };
    for (const b of balances) {
      for (const kind of ['pending', 'approved', 'paid'] as const) {
        await expect.poll(() => page.locator(`.card [data-unit="${b.unit}"][data-balance="${kind}"]`).textContent(), WAIT).toBe(SHOWN_BALANCE[kind]);
      }
    }

    const commissions = (await api<{ data: Commission[] }>('/v1/me/commissions')).data;
    expect(commissions).toHaveLength(5);
    const SHOWN_AMOUNT: Record<number, string> = { 300: '€3.00', 250: '€2.50', 990: '€9.90', 1250: '€12.50' };
    const rows = await page.locator('tr[data-commission]').evaluateAll((trs) =>
      trs.map((tr) => ({ id: tr.getAttribute('data-commission'), amount: tr.children[1]!.textContent, status: tr.children[2]!.textContent })),
    );
    // a pending entry says the (UTC) day its hold ends
    expect(rows).toEqual(commissions.map((c) => ({ id: c.id, amount: SHOWN_AMOUNT[c.amount], status: c.status === 'pending' ? `pending until ${c.holdUntil.slice(0, 10)}` : c.status })));

    const links = (await api<{ data: Link[] }>('/v1/me/links')).data;
    const shown = await page.locator('.link-row[data-link]').evaluateAll((rs) =>
      rs.map((r) => ({ code: r.getAttribute('data-link'), share: r.querySelector('input')!.value, to: r.querySelector('span.muted')!.textContent })),
    );
    expect(shown).toEqual(links.map((l) => ({ code: l.code, share: l.shortUrl, to: `→ ${l.url}` })));
    expect(shown[0]!.share).toBe(`${s.base}/JANE`);

    // The chart's table: 30 zero-filled days; each equals the API's day row (absent there = no activity).
    const report = await api<Report>('/v1/me/report?groupBy=day');
    await page.getByText('Numbers per day').click();
    await page.locator('figure table').waitFor({ state: 'visible' });
    const days = await page.locator('figure table tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [...tr.children].map((td) => td.textContent ?? '')),
    );
    expect(days).toHaveLength(30);
    expect(days[0]![0]).toBe(report.from);
    expect(days[29]![0]).toBe(report.to);
    const byDay = new Map(report.rows.map((r) => [r.key, r]));
    for (const [day, clicks, leads, sales] of days) {
      const r = byDay.get(day!) ?? { clicks: 0, leads: 0, sales: 0 };
      expect([Number(clicks), Number(leads), Number(sales)], day).toEqual([r.clicks, r.leads, r.sales]);
    }
    const today = byDay.get(report.to)!;
    expect(today).toMatchObject({ clicks: 3, leads: 2, sales: 2 });
    const polyline = await page.locator('polyline[data-series="clicks"]').getAttribute('points');
    expect(polyline?.split(' ')).toHaveLength(30);
    // Sales are dashed (told apart without colour), as the browser draws them under the strict CSP.
    const dashes = await page.locator('polyline[data-series]').evaluateAll((ls) => ls.map((l) => [l.getAttribute('data-series'), (globalThis as unknown as PageWindow).getComputedStyle(l).strokeDasharray]));
    expect(dashes).toEqual([['clicks', 'none'], ['leads', 'none'], ['sales', '6px, 4px']]);
    // The icon is inline and empty: nothing for the browser to fetch from /favicon.ico.
    expect(await page.locator('head link[rel="icon"]').evaluateAll((ls) => ls.map((l) => (l as unknown as { href: string }).href))).toEqual(['data:,']);

    // Leaderboard by sales: Jane (2) before Max (1), as the admin leaderboard ranks them.
    const board = (await s.json('GET', `/v1/programs/${world.program.id}/leaderboard?metric=sales`)).body.data as { rank: number; partnerName: string; value: number }[];
    expect(board.map((r) => [r.rank, r.partnerName, r.value])).toEqual([[1, 'Jane', 2], [2, 'Max', 1]]);
    await expect.poll(() => page.locator('li[data-rank="1"]').textContent(), WAIT).toBe('Jane (you) — 2');
    await expect.poll(() => page.locator('li[data-rank="2"]').textContent(), WAIT).toBe('Max — 1');
  });

  it('copies a share URL to the clipboard', async () => {
    const row = page.locator('.link-row[data-link="JANE"]');
    const button = row.getByRole('button', { name: 'Copy' });
    const shareUrl = await row.locator('input').inputValue();
    expect(await button.getAttribute('aria-live')).toBe('polite'); // the change to "Copied" is announced
    await page.evaluate(() => (navigator as unknown as PageNavigator).clipboard.writeText('stale'));
    await button.click();
    await row.getByRole('button', { name: 'Copied' }).waitFor({ state: 'visible' });
    expect(await page.evaluate(() => (navigator as unknown as PageNavigator).clipboard.readText())).toBe(shareUrl);
    expect(shareUrl).toBe(`${s.base}/JANE`);
  });

  it('downloads the CSV the report API produces', async () => {
    const [download] = await Promise.all([page.waitForEvent('download', WAIT), page.getByRole('link', { name: 'Download CSV' }).click()]);
    const report = await api<Report>('/v1/me/report?groupBy=day');
    expect(download.suggestedFilename()).toBe(`report-${world.program.id}-${report.from}-${report.to}.csv`);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('key,label,clicks,unique_clicks,leads,click_leads,sales,revenue,currency,conversion_rate,commission_EUR');
    const today = report.rows.find((r) => r.key === report.to)!;
    const todayLine = lines.find((l) => l.startsWith(`${report.to},`))!.split(',');
    expect([todayLine[2], todayLine[4], todayLine[6]].map(Number)).toEqual([today.clicks, today.leads, today.sales]);
    // Byte for byte what the partner API's CSV says for the same 30 days.
    const apiCsv = await (await fetch(`${s.base}/v1/me/report?groupBy=day&format=csv`, { headers: { authorization: `Bearer ${world.token}` } })).text();
    expect(csv).toBe(apiCsv);
  });

  it('creates a link from the form, and refuses a host the program does not allow', async () => {
    await page.locator('#new-url').fill('https://shop.acme.test/pricing');
    await page.locator('#new-campaign').fill('spring');
    const [posted] = await Promise.all([page.waitForRequest((r) => r.url() === `${s.base}/portal/links`), page.getByRole('button', { name: 'Create link' }).click()]);
    // The browser's own Origin header passes the same-origin check (no `Origin: null`).
    expect(await posted.headerValue('origin')).toBe(s.base);
    expect((await posted.response())?.status()).toBe(303);
    await page.waitForURL(/\/portal\?created=/);
    const code = new URL(page.url()).searchParams.get('created')!;
    await expect.poll(() => page.getByRole('status').textContent(), WAIT).toBe(`Link ${code} created.`);
    const created = (await api<{ data: Link[] }>('/v1/me/links')).data.find((l) => l.code === code)!;
    expect(created.url).toBe('https://shop.acme.test/pricing');
    await expect.poll(() => page.locator(`.link-row[data-link="${code}"] input`).inputValue(), WAIT).toBe(created.shortUrl);
    await expect.poll(() => page.locator(`.link-row[data-link="${code}"] span.muted`).textContent(), WAIT).toBe('→ https://shop.acme.test/pricing · spring');

    await page.locator('#new-url').fill('https://evil.test/x');
    const [refused] = await Promise.all([page.waitForResponse((r) => r.url() === `${s.base}/portal/links`), page.getByRole('button', { name: 'Create link' }).click()]);
    expect(refused.status()).toBe(422);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), WAIT).toBe('Link not created');
    expect((await api<{ data: Link[] }>('/v1/me/links')).data.map((l) => l.url)).not.toContain('https://evil.test/x');
  });

  it('an archived link shows no Copy button and says it is archived; live links keep theirs', async () => {
    const created = await ok(s.json('POST', `/v1/partners/${world.jane.id}/links`, { url: 'https://shop.acme.test/old', campaign: 'winter' }), 201);
    await ok(s.json('PATCH', `/v1/links/${created.id}`, { archived: true }));
    await page.goto(`${s.base}/portal`);
    const row = page.locator(`.link-row[data-link="${created.code}"]`);
    expect(await row.getAttribute('data-archived')).toBe('true');
    expect(await row.getByRole('button').count()).toBe(0);
    expect(await row.locator('.tag').textContent()).toBe('Archived');
    expect(await row.locator('span.muted').textContent()).toBe('→ https://shop.acme.test/old · winter · no longer records clicks');
    expect(await row.getByRole('textbox', { name: `Archived URL for ${created.code}` }).inputValue()).toBe(created.shortUrl);
    // Every other row still copies.
    const live = await page.locator('.link-row[data-link]:not([data-archived])').evaluateAll((rs) => rs.map((r) => r.querySelector('button[data-copy]')?.textContent));
    expect(live.length).toBeGreaterThan(1);
    expect(new Set(live)).toEqual(new Set(['Copy']));
  });

  it('renders a screenshot, and fits a 390 px phone without horizontal scrolling', async () => {
    await page.goto(`${s.base}/portal`);
    await page.getByText('Numbers per day').click();
    const dir = join(process.cwd(), 'test-results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'portal.png');
    await page.screenshot({ path: file, fullPage: true });
    expect(statSync(file).size).toBeGreaterThan(10_000);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${s.base}/portal`);
    await page.getByText('Numbers per day').click();
    const width = await page.locator('html').evaluate((html) => html.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(dir, 'portal-mobile.png'), fullPage: true });
    await page.setViewportSize({ width: 1200, height: 900 });
    // The strict CSP refuses inline style attributes and un-nonced scripts: the page must need none.
    expect(pageErrors).toEqual([]);
  });

  it('another site’s form posting its own sign-in token (login CSRF) signs the browser into nothing', async () => {
    const attacker = (await s.json('POST', `/v1/partners/${world.max.id}/tokens`, {})).body.token as string;
    // The browser holds a pre-session cookie of its own (it opened a sign-in page); SameSite=Strict keeps it home.
    await page.goto(world.portalUrl, { waitUntil: 'commit' });
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), WAIT).toBe('Sign in to the Acme referrals partner portal as Jane (j•••@partner.test)?');
    const evil = `<!doctype html><form method="post" action="${s.base}/portal/login"><input name="token" value="${attacker}"><input name="nonce" value="guessed"></form><script>document.forms[0].submit()</script>`;
    await context.route('http://evil.test/**', (route) => route.fulfill({ contentType: 'text/html', body: evil }));
    const [refused] = await Promise.all([page.waitForResponse((r) => r.url() === `${s.base}/portal/login` && r.request().method() === 'POST'), page.goto('http://evil.test/')]);
    expect(refused.status()).toBe(403);
    expect(await refused.request().headerValue('origin')).toBe('http://evil.test');
    expect(await refused.request().headerValue('cookie')).toBeNull(); // neither the Strict nonce nor the Lax session
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), WAIT).toBe('Please sign in');
    // Still Jane's session from the first test, not Max's
    expect((await context.cookies(s.base)).find((c) => c.name === '__Host-rl_portal')?.value).toBe(world.token);
    await context.unroute('http://evil.test/**');
  });

  it('without JavaScript the link page says so plainly and posts nothing', async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false });
    try {
      const p = await noJs.newPage();
      const posts: string[] = [];
      p.on('request', (r) => r.method() === 'POST' && posts.push(r.url()));
      expect((await p.goto(world.portalUrl))?.status()).toBe(200);
      expect(await p.getByRole('alert').textContent()).toBe(
        'Signing in needs JavaScript, which is turned off in this browser: your sign-in link keeps its token where only this page’s script can read it. Turn JavaScript on and open the link again.',
      );
      expect(posts).toEqual([]);
      expect(await noJs.cookies()).toEqual([]);
    } finally {
      await noJs.close();
    }
  });

  it('a link without its #token= part says it is incomplete, no fragment at all says how to sign in, Back from the question leaves sign-in; nothing posted', async () => {
    const p = await context.newPage();
    try {
      const posts: string[] = [];
      p.on('request', (r) => r.method() === 'POST' && posts.push(r.url()));
      expect((await p.goto(`${s.base}/portal/login#utm=mail`))?.status()).toBe(200);
      await expect.poll(() => p.getByRole('alert').textContent(), WAIT).toBe('This sign-in link is incomplete. Open the whole link you received, or ask the program for a new one.');
      expect(p.url()).toBe(`${s.base}/portal/login`);
      // No fragment at all (Back to the link page where a browser kept its entry; here still signed in
      // as Jane): how to sign in and the way to the portal, no error
      await p.goto(`${s.base}/portal/login`);
      await p.getByRole('link', { name: 'Go to your partner portal' }).waitFor({ state: 'visible' });
      expect(await p.locator('main').innerText()).toBe(
        'Sign in to the partner portal\n\nThis browser is signed in. Go to your partner portal\n\nTo sign in, open the sign-in link you received from the program again. If it has expired, ask the program for a new one.',
      );
      expect(await p.getByRole('alert').count()).toBe(0);
      expect(posts).toEqual([]);
      // Back from the "Sign in as …?" page: posted while loading, the link page replaced its own entry,
      // so Back leaves sign-in instead of re-entering the token page
      await p.goto(`${s.base}/portal/logout`);
      await p.goto(world.portalUrl);
      await p.getByRole('button', { name: 'Sign in as Jane' }).waitFor({ state: 'visible' });
      await p.goBack();
      expect(p.url()).toBe(`${s.base}/portal/logout`);
      expect(await p.getByRole('heading', { level: 1 }).textContent()).toBe('Sign out');
    } finally {
      await p.close();
    }
  });

  it('signs out; the dashboard then answers 401', async () => {
    await page.goto(`${s.base}/portal`);
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), WAIT).toBe('Signed out');
    expect((await context.cookies(s.base)).find((c) => c.name === '__Host-rl_portal')).toBeUndefined();
    const res = await page.goto(`${s.base}/portal`);
    expect(res?.status()).toBe(401);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), WAIT).toBe('Please sign in');
    const reloaded = await page.reload();
    expect(reloaded?.status()).toBe(401);
  });
});
