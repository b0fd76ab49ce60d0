import { afterEach, describe, expect, it, vi } from 'vitest';
import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import worker from '../../src/worker';
import { RETRY_DELAY_SECONDS } from '../../src/clicks/consume-click-queue';
import type { ClickMessage } from '../../src/clicks/queue-click-sink';
import { CHROME_WINDOWS, ORIGIN, SAFARI_IPHONE, SLACKBOT, clicksOf, json, seed, waitForClicks } from './helpers';

const IP = '203.0.113.7';
const visitor = (ua: string, ip: string) => ({ 'user-agent': ua, 'cf-connecting-ip': ip });

afterEach(() => {
  vi.restoreAllMocks();
});

/** Every console.error call so far, as text, to check that no IP was logged. */
function errorLog() {
  const spy = vi.spyOn(console, 'error');
  return () => spy.mock.calls.map((args) => JSON.stringify(args)).join('\n');
}

/**
 * The real local queue (bound as TEST_CLICKS) passed to the worker as CLICKS, recording each
 * message body on its way; the queue's consumer is the worker's own queue().
 */
function queuedEnv() {
  const sent: unknown[] = [];
  const CLICKS = {
    send(body: ClickMessage, options?: QueueSendOptions) {
      sent.push(body);
      return env.TEST_CLICKS.send(body, options);
    },
  } as Queue<ClickMessage>;
  return { env: { ...env, CLICKS }, sent };
}

async function redirect(e: object, code: string, headers: Record<string, string>) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${ORIGIN}/${code}`, { redirect: 'manual', headers }), e, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** A queue message for a click on the link at `at` (epoch ms). */
function message(link: { id: string; programId: string; partnerId: string }, id: string, ip: string, at: number, ua = CHROME_WINDOWS): ClickMessage {
  return {
    v: 1,
    id,
    at,
    linkId: link.id,
    programId: link.programId,
    partnerId: link.partnerId,
    dedupWindowSeconds: 3600,
    ip,
    userAgent: ua,
    referer: null,
    purpose: null,
    landingUrl: `${ORIGIN}/x`,
    country: 'DE',
  };
}

/** One delivery of `bodies` to the worker's queue() handler; returns its ack/retry outcome. */
async function deliver(bodies: unknown[], e: object = env, attempts = 1, spy?: (batch: MessageBatch) => void) {
  const batch = createMessageBatch('reflink-clicks', bodies.map((body, i) => ({ id: `msg_${i}`, timestamp: new Date(), attempts, body })));
  spy?.(batch);
  await worker.queue(batch, e as typeof env);
  return getQueueResult(batch, createExecutionContext());
}

/** Storage is shared by the tests of a file: a fresh prefix keeps click ids apart. */
const run = crypto.randomUUID().replace(/-/g, '').slice(0, 10);
const clickId = (n: number) => `clk_${run}${String(n).padStart(10, '0')}`;

describe('clicks through the CLICKS queue (real local queue, D1)', () => {
  it('a lead that arrives before its click is consumed is 409 click_pending (nothing written); after the delivery it is attributed', async () => {
    const { program, partner, link } = await seed();
    // A queue that holds the message until the test delivers it.
    const held: ClickMessage[] = [];
    const CLICKS = { send: async (body: ClickMessage) => void held.push(body) } as unknown as Queue<ClickMessage>;
    const res = await redirect({ ...env, CLICKS }, link.code, visitor(CHROME_WINDOWS, IP));
    const clickId = new URL(res.headers.get('location')!).searchParams.get('rcid')!;
    expect(held.map((m) => m.id)).toEqual([clickId]);

    const early = await json('POST', '/v1/track/lead', { clickId, programId: program.id, customer: { externalId: 'cus_early' } });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'conflict', reason: 'click_pending', field: 'clickId' });
    expect(early.res.headers.get('retry-after')).toBe('2');
    expect((await json('GET', `/v1/events?programId=${program.id}`)).body.data).toEqual([]);

    expect(await deliver(held)).toMatchObject({ outcome: 'ok', ackAll: true, retryBatch: { retry: false } });
    const lead = await json('POST', '/v1/track/lead', { clickId, programId: program.id, customer: { externalId: 'cus_early' } });
    expect(lead.status).toBe(200);
    expect(lead.body.event).toMatchObject({ status: 'attributed', clickId, partnerId: partner.id, linkId: link.id });
  });

  it('the redirect enqueues a JSON message (IP only in the message); the consumer stores it', async () => {
    const { program, partner, link } = await seed();
    const logs = errorLog();
    const q = queuedEnv();
    const res = await redirect(q.env, link.code, { ...visitor(CHROME_WINDOWS, IP), referer: 'https://news.example.com/a' });
    expect(res.status).toBe(302);
    const id = new URL(res.headers.get('location')!).searchParams.get('rcid');
    expect(id).toMatch(/^clk_/);

    expect(q.sent).toEqual([
      {
        v: 1,
        id,
        at: expect.any(Number),
        linkId: link.id,
        programId: program.id,
        partnerId: partner.id,
        dedupWindowSeconds: 3600,
        ip: IP,
        userAgent: CHROME_WINDOWS,
        referer: 'https://news.example.com/a',
        purpose: null,
        landingUrl: `${ORIGIN}/${link.code}`,
        country: null,
      },
    ]);
    expect(JSON.parse(JSON.stringify(q.sent[0]))).toEqual(q.sent[0]);
    expect(Math.abs((q.sent[0] as ClickMessage).at - Date.now())).toBeLessThan(60_000);

    const [row, ...rest] = await waitForClicks(link.id, 1);
    expect(rest).toEqual([]);
    expect(row).toMatchObject({ id, program_id: program.id, partner_id: partner.id, bot: 0, is_unique: 1, browser: 'Chrome', os: 'Windows', referrer_host: 'news.example.com' });
    expect(JSON.stringify(row)).not.toContain(IP);
    // Nothing logged: the send did not fail over to a direct write, the consumer wrote it.
    expect(logs()).toBe('');
  });

  it('stats are exact after redirects through the queue: repeats and bots flagged as on the direct path', async () => {
    const { link } = await seed();
    const q = queuedEnv();
    for (const [ua, ip] of [
      [CHROME_WINDOWS, IP],
      [CHROME_WINDOWS, IP],
      [SAFARI_IPHONE, '198.51.100.9'],
      [SLACKBOT, '192.0.2.1'],
    ] as const) {
      expect((await redirect(q.env, link.code, visitor(ua, ip))).status).toBe(302);
    }
    expect(q.sent).toHaveLength(4);
    const rows = await waitForClicks(link.id, 4);
    expect(rows).toHaveLength(4);
    expect(rows.map((r) => [r.browser, r.bot, r.is_unique]).sort()).toEqual(
      [
        ['Chrome', 0, 0],
        ['Chrome', 0, 1],
        ['Mobile Safari', 0, 1],
        [null, 1, 0],
      ].sort(),
    );
    expect((await json('GET', `/v1/links/${link.id}/stats`)).body).toEqual({ linkId: link.id, clicks: 3, uniqueClicks: 2, botClicks: 1 });
  });
});

describe('queue(): one write per delivery, idempotent on click id', () => {
  it('3 messages, one a duplicate delivery of another: 2 rows, written once; acked; a redelivery changes nothing', async () => {
    const { link } = await seed();
    const logs = errorLog();
    const base = Date.now() - 60_000;
    const bodies = [message(link, clickId(1), IP, base), message(link, clickId(2), IP, base + 1000), message(link, clickId(1), IP, base)];

    const result = await deliver(bodies);
    expect(result).toEqual({ outcome: 'ok', ackAll: true, retryBatch: { retry: false }, explicitAcks: [], retryMessages: [] });
    const rows = await clicksOf(link.id);
    expect(rows.map((r) => [r.id, (r as typeof r & { created_at: number }).created_at, r.is_unique, r.country])).toEqual([
      [clickId(1), base, 1, 'DE'],
      [clickId(2), base + 1000, 0, 'DE'],
    ]);
    const stats = { linkId: link.id, clicks: 2, uniqueClicks: 1, botClicks: 0 };
    expect((await json('GET', `/v1/links/${link.id}/stats`)).body).toEqual(stats);

    // The queue lost the ack and delivers the same messages again: nothing is counted twice.
    expect(await deliver(bodies, env, 2)).toMatchObject({ ackAll: true, retryBatch: { retry: false } });
    expect(await clicksOf(link.id)).toEqual(rows);
    expect((await json('GET', `/v1/links/${link.id}/stats`)).body).toEqual(stats);
    expect(logs()).toBe('');
  });

  it('two deliveries at once, each with clicks of the same visitor, store one unique click between them', async () => {
    const { link } = await seed();
    const base = Date.now() - 60_000;
    const a = [message(link, clickId(3000), IP, base), message(link, clickId(3001), IP, base + 10)];
    const b = [message(link, clickId(3002), IP, base + 5), message(link, clickId(3003), IP, base + 15)];
    const results = await Promise.all([deliver(a), deliver(b)]);
    expect(results.map((r: { ackAll: boolean }) => r.ackAll)).toEqual([true, true]);
    const rows = await clicksOf(link.id);
    expect(rows).toHaveLength(4);
    expect(rows.filter((r) => r.is_unique === 1)).toHaveLength(1);
    expect((await json('GET', `/v1/links/${link.id}/stats`)).body).toEqual({ linkId: link.id, clicks: 4, uniqueClicks: 1, botClicks: 0 });
  });

  it('a full delivery of 100 clicks is one write under D1’s 100-parameter limit; exact stats', async () => {
    const { link } = await seed();
    const base = Date.now() - 3_600_000;
    // 80 visitors (IPs) of which 20 come back once more: 100 clicks, 80 unique.
    const bodies = Array.from({ length: 100 }, (_, i) => message(link, clickId(1000 + i), `198.51.100.${i % 80}`, base + i * 1000));
    const batches = vi.spyOn(env.DB, 'batch');
    expect(await deliver(bodies)).toMatchObject({ outcome: 'ok', ackAll: true, retryBatch: { retry: false } });
    // 20 inserts of at most 5 rows (15 columns, is_unique decided in the insert: 18 parameters a row) plus the rollup upserts, all in one D1 batch.
    expect(batches).toHaveBeenCalledTimes(1);
    expect(batches.mock.calls[0]![0].length).toBeGreaterThanOrEqual(17);
    const rows = await clicksOf(link.id);
    expect(rows).toHaveLength(100);
    expect(rows.filter((r) => r.is_unique).length).toBe(80);
    expect(rows.slice(80).every((r) => r.is_unique === 0)).toBe(true);
    expect((await json('GET', `/v1/links/${link.id}/stats`)).body).toEqual({ linkId: link.id, clicks: 100, uniqueClicks: 80, botClicks: 0 });
  });

  it('an unreadable body is dropped with a log line (by message id); the rest is written and acked', async () => {
    const { link } = await seed();
    const logs = errorLog();
    const result = await deliver([message(link, clickId(3), IP, Date.now() - 5000), { v: 2, id: 'clk_x', ip: IP }, 'garbage']);
    expect(result).toMatchObject({ outcome: 'ok', ackAll: true, retryBatch: { retry: false } });
    expect((await clicksOf(link.id)).map((r) => r.id)).toEqual([clickId(3)]);
    expect(logs()).toContain('click message dropped: unreadable body');
    expect(logs()).toContain('msg_1');
    expect(logs()).toContain('msg_2');
    expect(logs()).not.toContain(IP);
  });

  it('a readable body whose time is no date (1e300 ms) is dropped like an unreadable one; the rest is written and acked', async () => {
    const { link } = await seed();
    const logs = errorLog();
    const result = await deliver([message(link, clickId(5), IP, Date.now() - 5000), message(link, clickId(6), IP, 1e300)]);
    expect(result).toMatchObject({ outcome: 'ok', ackAll: true, retryBatch: { retry: false } });
    expect((await clicksOf(link.id)).map((r) => r.id)).toEqual([clickId(5)]);
    expect(logs()).toContain('click message dropped: unreadable body');
    expect(logs()).toContain('msg_1');
    expect(logs()).not.toContain(IP);
  });

  it('a failed write retries the whole delivery after a delay, and logs no IP', async () => {
    const { link } = await seed();
    const logs = errorLog();
    const down = { prepare: () => { throw new Error('D1 is down'); }, batch: () => Promise.reject(new Error('D1 is down')) };
    let retryAll: ReturnType<typeof vi.spyOn> | undefined;
    const result = await deliver([message(link, clickId(4), IP, Date.now() - 5000)], { ...env, DB: down }, 1, (b) => {
      retryAll = vi.spyOn(b, 'retryAll');
    });
    expect(result).toEqual({ outcome: 'ok', ackAll: false, retryBatch: { retry: true }, explicitAcks: [], retryMessages: [] });
    // (The test batch does not report the delay, so it is read off the call.)
    expect(retryAll!.mock.calls).toEqual([[{ delaySeconds: RETRY_DELAY_SECONDS }]]);
    expect(await clicksOf(link.id)).toEqual([]);
    expect(logs()).toContain('click delivery failed; retrying it');
    expect(logs()).not.toContain(IP);

    // The retry, with the database back, lands the click.
    expect(await deliver([message(link, clickId(4), IP, Date.now() - 5000)], env, 2)).toMatchObject({ ackAll: true });
    expect((await clicksOf(link.id)).map((r) => r.id)).toEqual([clickId(4)]);
  });
});
