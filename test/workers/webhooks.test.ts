import { afterEach, describe, expect, it, vi } from 'vitest';
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import worker from '../../src/worker';
import { ADMIN_KEY, ORIGIN, json } from './helpers';
import { addReward, leadByCode, program } from './tracking';

const rows = async (sql: string) => (await env.DB.prepare(sql).all<Record<string, unknown>>()).results;
/** A request through the worker with its own ExecutionContext, returning after its waitUntil work. */
async function settledJson(method: string, path: string, body: unknown) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${ORIGIN}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }), env, ctx);
  const parsed = await res.json<any>();
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: parsed };
}
const cron = (scheduledTime: number) => worker.scheduled(createScheduledController({ scheduledTime, cron: '*/15 * * * *' }), env, createExecutionContext());

describe('webhooks on D1: the outbox is written in the conversion batch', () => {
  afterEach(() => vi.restoreAllMocks());

  it('a sale queues sale.created and commission.created in its batch; they are tried in its waitUntil, retried by the cron, signed; a replay queues nothing', async () => {
    const { program: p, partner } = await program();
    await addReward(p.id, { event: 'sale', type: 'fixed', amount: 700, holdDays: 0 });
    const hook = await json('POST', `/v1/programs/${p.id}/webhooks`, { url: 'https://hooks.acme.test/in', events: ['sale.created', 'commission.created'] });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    await leadByCode(partner.code, 'cus_1');

    // Only the OUTBOUND fetch is replaced (D1 is real): the receiver fails twice, then accepts.
    const sent: { headers: Headers; body: string }[] = [];
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      if (String(input) !== 'https://hooks.acme.test/in') return realFetch(input, init);
      sent.push({ headers: new Headers(init?.headers), body: String(init?.body) });
      return new Response('no', { status: sent.length <= 2 ? 500 : 200 });
    });
    const body = { programId: p.id, customerExternalId: 'cus_1', externalId: 'ord_1', amount: 9900, currency: 'USD' };
    const s = await settledJson('POST', '/v1/track/sale', body);
    expect(s.status, JSON.stringify(s.body)).toBe(200);
    // Tried once in the request's waitUntil (receiver 500): pending, due again in a minute.
    expect(sent).toHaveLength(2);
    const queued = await rows(`select event_type, event_key, status, attempts, last_status_code from webhook_deliveries where endpoint_id = '${hook.body.id}' order by event_type`);
    expect(queued).toEqual([
      { event_type: 'commission.created', event_key: s.body.commissions[0].id, status: 'pending', attempts: 1, last_status_code: 500 },
      { event_type: 'sale.created', event_key: s.body.event.id, status: 'pending', attempts: 1, last_status_code: 500 },
    ]);
    expect((await settledJson('POST', '/v1/track/sale', body)).status).toBe(200); // the replay
    expect(await rows(`select count(*) as n from webhook_deliveries where endpoint_id = '${hook.body.id}'`)).toEqual([{ n: 2 }]);
    expect(sent).toHaveLength(2); // nothing was due

    const at = Date.now() + 120_000;
    await cron(at);
    expect(sent).toHaveLength(4);
    const retried = sent.slice(2);
    expect(retried.map((r) => r.headers.get('reflink-event-type')).sort()).toEqual(['commission.created', 'sale.created']);
    const sale = retried.find((r) => r.headers.get('reflink-event-type') === 'sale.created')!;
    expect(JSON.parse(sale.body)).toMatchObject({ type: 'sale.created', data: s.body.event });
    const t = Math.floor(at / 1000);
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(hook.body.secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const mac = [...new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${t}.${sale.body}`)))].map((b) => b.toString(16).padStart(2, '0')).join('');
    expect(sale.headers.get('reflink-signature')).toBe(`t=${t},v1=${mac}`);
    expect(await rows(`select status, attempts, last_status_code from webhook_deliveries where endpoint_id = '${hook.body.id}'`)).toEqual([
      { status: 'delivered', attempts: 2, last_status_code: 200 },
      { status: 'delivered', attempts: 2, last_status_code: 200 },
    ]);
  });

  it('a conversion whose batch fails leaves no outbox row (and no event, no commission)', async () => {
    const { program: p, partner } = await program();
    await addReward(p.id, { event: 'sale', type: 'fixed', amount: 700, holdDays: 0 });
    const hook = await json('POST', `/v1/programs/${p.id}/webhooks`, { url: 'https://hooks.acme.test/in', events: ['sale.created', 'commission.created'] });
    await leadByCode(partner.code, 'cus_1');
    // A statement AFTER the sale.created outbox row fails: the whole batch must roll back.
    await env.DB.prepare(`CREATE TRIGGER fail_commission_hook AFTER INSERT ON webhook_deliveries WHEN NEW.event_type = 'commission.created' BEGIN SELECT RAISE(ABORT, 'injected failure'); END`).run();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const s = await json('POST', '/v1/track/sale', { programId: p.id, customerExternalId: 'cus_1', externalId: 'ord_x', amount: 9900, currency: 'USD' });
    expect(s.status).toBe(500);
    expect(await rows(`select count(*) as n from webhook_deliveries where endpoint_id = '${hook.body.id}'`)).toEqual([{ n: 0 }]);
    expect(await rows(`select count(*) as n from events where program_id = '${p.id}' and type = 'sale'`)).toEqual([{ n: 0 }]);
    expect(await rows(`select count(*) as n from commissions where program_id = '${p.id}'`)).toEqual([{ n: 0 }]);
    await env.DB.prepare('DROP TRIGGER fail_commission_hook').run();
  });
});

describe('webhooks on D1: payouts', () => {
  afterEach(() => vi.restoreAllMocks());

  it('payout.created in the build batch, payout.paid in the mark-paid batch, once (a replay queues nothing)', async () => {
    const { program: p, partner } = await program();
    await addReward(p.id, { event: 'sale', type: 'fixed', amount: 700, holdDays: 0 });
    vi.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response('down', { status: 503 }));
    const hook = await json('POST', `/v1/programs/${p.id}/webhooks`, { url: 'https://hooks.acme.test/in', events: ['payout.created', 'payout.paid'] });
    await leadByCode(partner.code, 'cus_1');
    await json('POST', '/v1/track/sale', { programId: p.id, customerExternalId: 'cus_1', externalId: 'ord_1', amount: 9900, currency: 'USD' });
    const built = await json('POST', `/v1/programs/${p.id}/payouts`, {});
    expect(built.status, JSON.stringify(built.body)).toBe(201);
    const [payout] = built.body.data;
    const paid = await json('POST', `/v1/payouts/${payout.id}/mark-paid`, { reference: 'ACH-1' });
    expect(paid.status).toBe(200);
    expect((await json('POST', `/v1/payouts/${payout.id}/mark-paid`, { reference: 'ACH-1' })).status).toBe(200);
    const queued = await rows(`select event_type, event_key, payload from webhook_deliveries where endpoint_id = '${hook.body.id}' order by event_type`);
    expect(queued.map((r) => [r.event_type, r.event_key])).toEqual([
      ['payout.created', `${payout.id}:created`],
      ['payout.paid', `${payout.id}:paid`],
    ]);
    const created = JSON.parse(queued[0]!.payload as string);
    expect(created).toEqual({ id: `whe_${payout.id.slice(4)}`, type: 'payout.created', createdAt: payout.createdAt, data: { ...payout, amountFormatted: null } });
    expect(JSON.parse(queued[1]!.payload as string).data).toEqual(paid.body);
  });
});
