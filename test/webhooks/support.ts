import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeApp, seedProgram, type TestApp } from '../helpers/app';
import { runScheduledJobs } from '../../src/jobs/run-scheduled-jobs';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real local HTTP receiver: records every request and answers `status` (settable). */
export async function startReceiver() {
  const received: Received[] = [];
  const state = { status: 200 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(state.status, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    setStatus: (s: number) => {
      state.status = s;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The README's verification: HMAC-SHA256 of "<t>.<raw body>" keyed with the whole whsec_ secret. */
export function verifySignature(header: string, body: string, secret: string): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest('hex');
  return parts.v1 !== undefined && parts.v1.length === expected.length && timingSafeEqual(Buffer.from(parts.v1), Buffer.from(expected));
}

export const T0 = new Date('2026-03-01T12:00:00.000Z');

/** An app that allows http:// webhooks (sending them after requests too with `sendWebhooksSoon`), one program with a partner and a 30% sale reward (no hold). */
export async function setupWebhooks(opts: { sendWebhooksSoon?: boolean } = {}) {
  const t = await makeApp({ now: T0, sendWebhooksSoon: opts.sendWebhooksSoon, env: { WEBHOOKS_ALLOW_HTTP: '1', JWT_SECRET: 'webhook-test-root-key-0123456789abcdef' } });
  const { program, partner } = await seedProgram(t);
  const reward = await t.json('POST', `/v1/programs/${program.id}/rewards`, { event: 'sale', type: 'percent', amount: 3000, holdDays: 0 });
  if (reward.status !== 201) throw new Error(JSON.stringify(reward.body));
  return { t, program, partner, reward: reward.body };
}

/** One run of the periodic job as the Node timer runs it (with the app's config and clock). */
export const runJobs = (t: TestApp) => runScheduledJobs(t.db, t.now, { config: t.deps.config });
