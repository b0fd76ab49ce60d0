import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import worker from '../../src/worker';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdefghij';
export const ORIGIN = 'https://ref.test';

export const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
export const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
export const SLACKBOT = 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)';

function request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return new Request(`${ORIGIN}${path}`, {
    method,
    redirect: 'manual',
    headers: {
      authorization: `Bearer ${ADMIN_KEY}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Through the runtime: the worker's default export as workerd dispatches it (its own ctx). */
export function self(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
  return exports.default.fetch(request(method, path, body, headers));
}

/**
 * The same worker module called with a test ExecutionContext, returning only after every
 * `ctx.waitUntil` (the click write) has settled — so D1 can be asserted without polling.
 */
export async function settled(method: string, path: string, headers?: Record<string, string>) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(request(method, path, undefined, headers), env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

export async function json<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
  const res = await self(method, path, body, headers);
  return { status: res.status, body: (await res.json()) as T, res };
}

/** A fresh program, partner and extra link (with utm) per test; returns their bodies. */
export async function seed() {
  const program = await json('POST', '/v1/programs', {
    name: 'Acme referrals',
    currency: 'EUR',
    defaultUrl: 'https://acme.test/signup',
    allowedHosts: ['acme.test', '*.acme.test'],
  });
  if (program.status !== 201) throw new Error(`program: ${JSON.stringify(program.body)}`);
  const partner = await json('POST', `/v1/programs/${program.body.id}/partners`, { name: 'Jane Doe', email: 'jane@partner.test' });
  if (partner.status !== 201) throw new Error(`partner: ${JSON.stringify(partner.body)}`);
  const link = await json('POST', `/v1/partners/${partner.body.id}/links`, {
    url: 'https://www.acme.test/pricing?plan=pro',
    utm: { source: 'partner', medium: 'referral', campaign: 'spring' },
  });
  if (link.status !== 201) throw new Error(`link: ${JSON.stringify(link.body)}`);
  return { program: program.body, partner: partner.body, link: link.body };
}

export interface ClickDbRow {
  id: string;
  program_id: string;
  partner_id: string;
  link_id: string;
  country: string | null;
  device_type: string;
  browser: string | null;
  os: string | null;
  referrer_host: string | null;
  paid_ads: number;
  bot: number;
  bot_reason: string | null;
  is_unique: number;
  visitor_hash: string;
}

export async function clicksOf(linkId: string): Promise<ClickDbRow[]> {
  const { results } = await env.DB.prepare('select * from clicks where link_id = ? order by created_at, id').bind(linkId).all<ClickDbRow>();
  return results;
}

/** Polls D1 (bounded) until `count` clicks of the link are stored; for writes the runtime's own ctx owns. */
export async function waitForClicks(linkId: string, count: number, timeoutMs = 5_000): Promise<ClickDbRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await clicksOf(linkId);
    if (rows.length >= count) return rows;
    if (Date.now() > deadline) throw new Error(`expected ${count} clicks on ${linkId}, found ${rows.length}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
