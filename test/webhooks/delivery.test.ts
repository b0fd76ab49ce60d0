import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startReceiver, setupWebhooks, runJobs, verifySignature, T0 } from './support';
import { rawClient } from '../foundation/support';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('webhook delivery — a real local receiver', () => {
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    rx = await startReceiver();
  });
  afterAll(async () => {
    await rx.close();
  });

  it('a sale fires sale.created and commission.created, signed with the secret shown once, exact payloads', async () => {
    rx.received.length = 0;
    rx.setStatus(200);
    const { t, program, partner, reward } = await setupWebhooks();
    const created = await t.json('POST', `/v1/programs/${program.id}/webhooks`, { url: rx.url, events: ['sale.created', 'commission.created'], description: 'CRM' });
    expect(created.status).toBe(201);
    expect(created.res.headers.get('cache-control')).toBe('no-store');
    expect(created.body).toEqual({
      id: expect.stringMatching(/^whk_/),
      programId: program.id,
      url: rx.url,
      events: ['sale.created', 'commission.created'],
      active: true,
      description: 'CRM',
      secretVersion: 1,
      createdAt: T0.toISOString(),
      updatedAt: T0.toISOString(),
      secret: expect.stringMatching(/^whsec_[0-9a-f]{64}$/),
    });
    const secret: string = created.body.secret;
    // Never shown again.
    expect((await t.json('GET', `/v1/webhooks/${created.body.id}`)).body).not.toHaveProperty('secret');

    const lead = await t.json('POST', '/v1/track/lead', { code: partner.code, customer: { externalId: 'cust_1' } });
    expect(lead.status).toBe(200);
    const sale = await t.json('POST', '/v1/track/sale', { programId: program.id, customerExternalId: 'cust_1', externalId: 'inv_1', amount: 4900, currency: 'EUR' });
    expect(sale.status).toBe(200);
    expect(rx.received).toHaveLength(0); // delivered by the job, not inside the request

    expect((await runJobs(t)).webhooks).toEqual({ attempted: 2, delivered: 2, failed: 0 });
    expect(rx.received).toHaveLength(2);
    const byType = Object.fromEntries(rx.received.map((r) => [r.headers['reflink-event-type'], r]));
    const saleHook = byType['sale.created']!;
    const comHook = byType['commission.created']!;
    for (const r of [saleHook, comHook]) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['reflink-signature']).toMatch(new RegExp(`^t=${Math.floor(T0.getTime() / 1000)},v1=[0-9a-f]{64}$`));
      expect(verifySignature(r.headers['reflink-signature'] as string, r.body, secret)).toBe(true);
      expect(verifySignature(r.headers['reflink-signature'] as string, r.body + ' ', secret)).toBe(false);
      expect(verifySignature(r.headers['reflink-signature'] as string, r.body, 'whsec_wrong')).toBe(false);
    }
    const salePayload = JSON.parse(saleHook.body);
    expect(salePayload).toEqual({ id: saleHook.headers['reflink-event-id'], type: 'sale.created', createdAt: T0.toISOString(), data: sale.body.event });
    expect(salePayload.data).toMatchObject({ type: 'sale', externalId: 'inv_1', amount: 4900, currency: 'EUR', status: 'attributed', partnerId: partner.id, customerExternalId: 'cust_1' });
    expect(salePayload.data).not.toHaveProperty('email');
    const comPayload = JSON.parse(comHook.body);
    expect(comPayload).toEqual({ id: comHook.headers['reflink-event-id'], type: 'commission.created', createdAt: T0.toISOString(), data: sale.body.commissions[0] });
    expect(comPayload.data).toMatchObject({ kind: 'commission', amount: 1470, unit: 'EUR', partnerId: partner.id, rewardId: reward.id, eventId: sale.body.event.id });
    expect(salePayload.id).not.toBe(comPayload.id);

    const list = await t.json('GET', `/v1/webhooks/${created.body.id}/deliveries`);
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(2);
    for (const d of list.body.data) {
      expect(d).toMatchObject({ endpointId: created.body.id, status: 'delivered', attempts: 1, lastStatusCode: 200, lastError: null, nextAttemptAt: null, deliveredAt: T0.toISOString() });
    }
    // Nothing more to send.
    expect((await runJobs(t)).webhooks).toEqual({ attempted: 0, delivered: 0, failed: 0 });

    // A replayed sale (same externalId and body) writes nothing and queues nothing.
    const replay = await t.json('POST', '/v1/track/sale', { programId: program.id, customerExternalId: 'cust_1', externalId: 'inv_1', amount: 4900, currency: 'EUR' });
    expect(replay.status).toBe(200);
    expect(replay.body.event.id).toBe(sale.body.event.id);
    expect((await rawClient(t).execute('select count(*) as n from webhook_deliveries')).rows[0]!.n).toBe(2);
    expect((await runJobs(t)).webhooks).toEqual({ attempted: 0, delivered: 0, failed: 0 });
    expect(rx.received).toHaveLength(2);
  });

  it('a receiver answering 500 is retried after 1 min, 5 min (not before), then delivered', async () => {
    rx.received.length = 0;
    rx.setStatus(500);
    const { t, program, partner } = await setupWebhooks();
    const hook = await t.json('POST', `/v1/programs/${program.id}/webhooks`, { url: rx.url, events: ['lead.created'] });
    await t.json('POST', '/v1/track/lead', { code: partner.code, customer: { externalId: 'cust_1' } });

    expect((await runJobs(t)).webhooks).toEqual({ attempted: 1, delivered: 0, failed: 0 });
    let [d] = (await t.json('GET', `/v1/webhooks/${hook.body.id}/deliveries`)).body.data;
    expect(d).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500, lastError: 'http_500', nextAttemptAt: new Date(T0.getTime() + MIN).toISOString() });

    t.advance(MIN - 1);
    expect((await runJobs(t)).webhooks).toEqual({ attempted: 0, delivered: 0, failed: 0 });
    t.advance(1);
    expect((await runJobs(t)).webhooks).toEqual({ attempted: 1, delivered: 0, failed: 0 });
    [d] = (await t.json('GET', `/v1/webhooks/${hook.body.id}/deliveries`)).body.data;
    expect(d).toMatchObject({ status: 'pending', attempts: 2, nextAttemptAt: new Date(T0.getTime() + MIN + 5 * MIN).toISOString() });

    rx.setStatus(204);
    t.advance(5 * MIN);
    expect((await runJobs(t)).webhooks).toEqual({ attempted: 1, delivered: 1, failed: 0 });
    [d] = (await t.json('GET', `/v1/webhooks/${hook.body.id}/deliveries`)).body.data;
    expect(d).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 204, lastError: null, nextAttemptAt: null });
    expect(rx.received).toHaveLength(3);
    // Every attempt sends the same event id and body.
    expect(new Set(rx.received.map((r) => r.headers['reflink-event-id'])).size).toBe(1);
    expect(new Set(rx.received.map((r) => r.body)).size).toBe(1);
  });

  it('fails after 8 attempts (1 min, 5 min, 30 min, 2 h, 6 h, 12 h, 24 h apart); a manual retry sends it once more', async () => {
    rx.received.length = 0;
    rx.setStatus(503);
    const { t, program, partner } = await setupWebhooks();
    const hook = await t.json('POST', `/v1/programs/${program.id}/webhooks`, { url: rx.url, events: ['lead.created'] });
    await t.json('POST', '/v1/track/lead', { code: partner.code, customer: { externalId: 'cust_1' } });
    const waits = [0, MIN, 5 * MIN, 30 * MIN, 2 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR];
    for (const [i, wait] of waits.entries()) {
      t.advance(wait);
      expect((await runJobs(t)).webhooks, `attempt ${i + 1}`).toEqual({ attempted: 1, delivered: 0, failed: i === waits.length - 1 ? 1 : 0 });
    }
    t.advance(48 * HOUR);
    expect((await runJobs(t)).webhooks).toEqual({ attempted: 0, delivered: 0, failed: 0 });
    const failed = await t.json('GET', `/v1/webhooks/${hook.body.id}/deliveries?status=failed`);
    expect(failed.body.data).toHaveLength(1);
    expect(failed.body.data[0]).toMatchObject({ status: 'failed', attempts: 8, lastStatusCode: 503, lastError: 'http_503', nextAttemptAt: null });
    expect((await t.json('GET', `/v1/webhooks/${hook.body.id}/deliveries?status=pending`)).body.data).toEqual([]);
    expect(rx.received).toHaveLength(8);

    rx.setStatus(200);
    const retry = await t.json('POST', `/v1/webhooks/${hook.body.id}/deliveries/${failed.body.data[0].id}/retry`);
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ status: 'pending', attempts: 8, nextAttemptAt: t.now.toISOString() });
    expect((await runJobs(t)).webhooks).toEqual({ attempted: 1, delivered: 1, failed: 0 });
    expect(rx.received).toHaveLength(9);
    expect((await t.json('POST', `/v1/webhooks/${hook.body.id}/deliveries/whd_nope/retry`)).status).toBe(404);
  });

  it('rotate-secret: later deliveries verify with the new secret only', async () => {
    rx.received.length = 0;
    rx.setStatus(200);
    const { t, program, partner } = await setupWebhooks();
    const hook = await t.json('POST', `/v1/programs/${program.id}/webhooks`, { url: rx.url, events: ['lead.created'] });
    const rotated = await t.json('POST', `/v1/webhooks/${hook.body.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.res.headers.get('cache-control')).toBe('no-store');
    expect(rotated.body).toMatchObject({ id: hook.body.id, secretVersion: 2, secret: expect.stringMatching(/^whsec_[0-9a-f]{64}$/) });
    expect(rotated.body.secret).not.toBe(hook.body.secret);
    await t.json('POST', '/v1/track/lead', { code: partner.code, customer: { externalId: 'cust_1' } });
    await runJobs(t);
    expect(rx.received).toHaveLength(1);
    const [r] = rx.received;
    expect(verifySignature(r!.headers['reflink-signature'] as string, r!.body, rotated.body.secret)).toBe(true);
    expect(verifySignature(r!.headers['reflink-signature'] as string, r!.body, hook.body.secret)).toBe(false);
  });

  it('an inactive endpoint, or one not subscribed to the event, gets nothing', async () => {
    rx.received.length = 0;
    rx.setStatus(200);
    const { t, program, partner } = await setupWebhooks();
    const off = await t.json('POST', `/v1/programs/${program.id}/webhooks`, { url: rx.url, events: ['lead.created'], active: false });
    expect(off.body.active).toBe(false);
    const other = await t.json('POST', `/v1/programs/${program.id}/webhooks`, { url: rx.url, events: ['sale.created'] });
    await t.json('POST', '/v1/track/lead', { code: partner.code, customer: { externalId: 'cust_1' } });
    expect((await runJobs(t)).webhooks).toEqual({ attempted: 0, delivered: 0, failed: 0 });
    expect((await rawClient(t).execute('select count(*) as n from webhook_deliveries')).rows[0]!.n).toBe(0);
    // Disabled after an event was queued: it waits, unsent, until the endpoint is active again.
    const on = await t.json('PATCH', `/v1/webhooks/${off.body.id}`, { active: true });
    expect(on.body.active).toBe(true);
    await t.json('POST', '/v1/track/lead', { code: partner.code, customer: { externalId: 'cust_2' } });
    await t.json('PATCH', `/v1/webhooks/${off.body.id}`, { active: false });
    expect((await runJobs(t)).webhooks).toEqual({ attempted: 0, delivered: 0, failed: 0 });
    await t.json('PATCH', `/v1/webhooks/${off.body.id}`, { active: true });
    expect((await runJobs(t)).webhooks).toEqual({ attempted: 1, delivered: 1, failed: 0 });
    expect(rx.received).toHaveLength(1);
    expect(JSON.parse(rx.received[0]!.body).data.customerExternalId).toBe('cust_2');
    expect((await t.json('GET', `/v1/webhooks/${other.body.id}/deliveries`)).body.data).toEqual([]);
  });

  it('on Node (sendWebhooksSoon, as npm start runs) a sale is sent right after its request, without the job', async () => {
    rx.received.length = 0;
    rx.setStatus(200);
    const { t, program, partner } = await setupWebhooks({ sendWebhooksSoon: true });
    const hook = await t.json('POST', `/v1/programs/${program.id}/webhooks`, { url: rx.url, events: ['sale.created', 'commission.created'] });
    await t.json('POST', '/v1/track/lead', { code: partner.code, customer: { externalId: 'cust_1' } });
    const sale = await t.json('POST', '/v1/track/sale', { programId: program.id, customerExternalId: 'cust_1', externalId: 'inv_1', amount: 4900, currency: 'EUR' });
    expect(sale.status).toBe(200);
    await vi.waitFor(() => expect(rx.received).toHaveLength(2), { timeout: 5_000, interval: 20 });
    await vi.waitFor(async () => {
      const list = (await t.json('GET', `/v1/webhooks/${hook.body.id}/deliveries?status=delivered`)).body.data;
      expect(list).toHaveLength(2);
    });
    // A read, a failed request or another route sends nothing and queues nothing.
    expect((await t.json('POST', '/v1/track/sale', { programId: program.id, customerExternalId: 'cust_1', externalId: 'inv_2', amount: -1 })).status).toBe(422);
    expect((await runJobs(t)).webhooks).toEqual({ attempted: 0, delivered: 0, failed: 0 });
    expect(rx.received).toHaveLength(2);
  });
});
