import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY } from '../helpers/app';
import { startServer } from '../helpers/server';

let s: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => {
  await s.stop();
});

/** Through the app itself (no socket), as the admin. */
async function call(method: string, path: string, body?: unknown) {
  const res = await s.app.request(path, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, path).toBeLessThan(300);
  return res;
}

describe('the streamed statement CSV over Node’s HTTP server', () => {
  it('520 entries (two reads of 500): sent chunked, without Content-Length, the same bytes as the app answers', async () => {
    const program: any = await (await call('POST', '/v1/programs', { name: 'Acme', currency: 'EUR', defaultUrl: 'https://acme.test/', allowedHosts: ['acme.test'], holdDays: 0 })).json();
    const partner: any = await (await call('POST', `/v1/programs/${program.id}/partners`, { name: 'Jane', email: 'jane@partner.test', code: 'JANE' })).json();
    for (const amount of [100, 150]) await call('POST', `/v1/programs/${program.id}/rewards`, { event: 'lead', type: 'fixed', amount });
    for (let i = 0; i < 260; i++) await call('POST', '/v1/track/lead', { code: 'JANE', customer: { externalId: `cus_${i}` } });
    const [payout] = ((await (await call('POST', `/v1/programs/${program.id}/payouts`, {})).json()) as any).data;
    expect([payout.partnerId, payout.amount, payout.entryCount]).toEqual([partner.id, 65_000, 520]);

    const want = await (await call('GET', `/v1/payouts/${payout.id}?format=csv`)).text();
    const res = await fetch(`${s.base}/v1/payouts/${payout.id}?format=csv`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(200);
    expect([res.headers.get('content-type'), res.headers.get('content-length'), res.headers.get('transfer-encoding')]).toEqual(['text/csv; charset=utf-8', null, 'chunked']);
    const text = await res.text();
    expect(text).toBe(want);
    const lines = text.split('\r\n');
    expect(lines).toHaveLength(522);
    expect(lines.slice(1, -1).reduce((sum, l) => sum + Math.round(Number(l.split(',')[6]) * 100), 0)).toBe(65_000);
  }, 60_000);
});
