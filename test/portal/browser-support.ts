import { existsSync } from 'node:fs';
import { expect } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import type { startServer } from '../helpers/server';

export type Server = Awaited<ReturnType<typeof startServer>>;

export const CHROMIUM = '/usr/bin/chromium';
const INSTALL_HINT = 'chromium not installed: apt-get install -y chromium';

/** Debian's chromium through playwright-core (never a downloaded browser); fails loudly when absent. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${INSTALL_HINT} (no ${CHROMIUM})`);
  try {
    return await chromium.launch({
      executablePath: CHROMIUM,
      timeout: 20_000,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  } catch (err) {
    throw new Error(`${INSTALL_HINT} (launching ${CHROMIUM} failed: ${err instanceof Error ? err.message : String(err)})`);
  }
}

/** A desktop browser's user agent, so the redirects count as human clicks. */
export const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

async function ok<T = any>(r: Promise<{ status: number; body: T }>, status = 200): Promise<T> {
  const res = await r;
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
}

/** GET /:code through the real redirect, as a browser would hit it; returns the click id. */
async function click(s: Server, code: string): Promise<string> {
  const res = await fetch(`${s.base}/${code}`, { redirect: 'manual', headers: { 'user-agent': BROWSER_UA } });
  expect(res.status).toBe(302);
  const clickId = new URL(res.headers.get('location')!).searchParams.get('rcid');
  expect(clickId).toMatch(/^clk_/);
  return clickId!;
}

/**
 * A program with Jane and Max, clicks through the short links, leads by click id and by code,
 * sales, a funnel step whose reward is held (so Jane has approved and pending money), the approval
 * job, and a sign-in link for Jane.
 */
export async function seedWorld(s: Server) {
  const program = await ok(
    s.json('POST', '/v1/programs', {
      name: 'Acme referrals',
      currency: 'EUR',
      defaultUrl: 'https://acme.test/signup',
      allowedHosts: ['acme.test', '*.acme.test'],
      holdDays: 0,
      leaderboardEnabled: true,
    }),
    201,
  );
  const jane = await ok(s.json('POST', `/v1/programs/${program.id}/partners`, { name: 'Jane', email: 'jane@partner.test', code: 'JANE' }), 201);
  const max = await ok(s.json('POST', `/v1/programs/${program.id}/partners`, { name: 'Max', email: 'max@partner.test', code: 'MAX' }), 201);
  await ok(s.json('POST', `/v1/programs/${program.id}/rewards`, { event: 'lead', type: 'fixed', amount: 1250 }), 201);
  await ok(s.json('POST', `/v1/programs/${program.id}/rewards`, { event: 'sale', type: 'percent', amount: 1000 }), 201);
  // The program books without a hold; this funnel step holds its reward for 30 days (pending money).
  await ok(s.json('POST', `/v1/programs/${program.id}/rewards`, { event: 'demo_requested', type: 'fixed', amount: 300, holdDays: 30 }), 201);

  const janeClicks = [await click(s, jane.code), await click(s, jane.code), await click(s, jane.code)];
  await click(s, max.code);
  await s.clickSink.flush(); // a lead by click id needs the click written

  const lead = async (body: Record<string, unknown>) => {
    const r = await ok(s.json('POST', '/v1/track/lead', body));
    expect(r.event.status, JSON.stringify(r.event)).toBe('attributed');
  };
  await lead({ clickId: janeClicks[0], customer: { externalId: 'cust-click' } });
  await lead({ code: jane.code, customer: { externalId: 'cust-code' } });
  await lead({ code: max.code, customer: { externalId: 'cust-max' } });
  const sale = (customerExternalId: string, externalId: string, amount: number) =>
    ok(s.json('POST', '/v1/track/sale', { programId: program.id, customerExternalId, externalId, amount, currency: 'EUR' }));
  await sale('cust-click', 'inv-1', 9900);
  await sale('cust-max', 'inv-2', 4900);
  await sale('cust-code', 'inv-3', 2500);
  await ok(s.json('POST', '/v1/track/event', { programId: program.id, customerExternalId: 'cust-code', eventName: 'demo_requested' }));
  // holdDays 0 already approved the lead and sale rewards at booking; the held one stays pending.
  expect(await ok(s.json('POST', '/v1/jobs/approve-commissions'))).toEqual({ approved: 0 });

  const issued = await ok(s.json('POST', `/v1/partners/${jane.id}/tokens`, {}), 201);
  return { program, jane, max, token: issued.token as string, portalUrl: issued.portalUrl as string };
}

/** GET on the partner's own API with its token. */
export async function me<T = any>(s: Server, token: string, path: string): Promise<T> {
  const res = await fetch(`${s.base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}
