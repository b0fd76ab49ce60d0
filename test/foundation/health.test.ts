import { describe, expect, it } from 'vitest';
import { makeApp } from '../helpers/app';
import { rawClient } from './support';

describe('GET /health', () => {
  it('→ 200 {status:"ok", db:{ok:true, latencyMs}} without credentials', async () => {
    const t = await makeApp();
    const res = await t.app.request('/health');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { db: { latencyMs: number } };
    expect(body).toEqual({ status: 'ok', db: { ok: true, latencyMs: expect.any(Number) } });
    expect(body.db.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('is not shadowed by a short-link code and "health" cannot be claimed as one', async () => {
    const t = await makeApp();
    const program = await t.json('POST', '/v1/programs', {
      name: 'A',
      currency: 'EUR',
      defaultUrl: 'https://acme.test/',
      allowedHosts: ['acme.test'],
    });
    const r = await t.json('POST', `/v1/programs/${program.body.id}/partners`, { name: 'H', email: 'h@x.test', code: 'health' });
    expect(r.status).toBe(422);
    expect((await t.app.request('/health')).status).toBe(200);
  });

  it('→ 503 degraded when the database is unreachable, without leaking the error', async () => {
    const t = await makeApp();
    rawClient(t).close();
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      const res = await t.app.request('/health');
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'degraded', db: { ok: false } });
    } finally {
      console.error = original;
    }
    expect(errors).toHaveLength(1);
  });
});
