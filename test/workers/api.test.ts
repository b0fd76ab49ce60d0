import { describe, expect, it } from 'vitest';
import { json, seed, self } from './helpers';

describe('API on workerd with D1', () => {
  it('GET /health reaches D1', async () => {
    const res = await json('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', db: { ok: true, latencyMs: expect.any(Number) } });
  });

  it('413 for a body over 64 KiB, in the one error shape', async () => {
    const res = await json('POST', '/v1/programs', { name: 'x'.repeat(70 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({
      error: { code: 'payload_too_large', message: 'Body exceeds 65536 bytes', requestId: res.res.headers.get('x-request-id') },
    });
  });

  it('422 naming the field and reason for a destination off the allow-list', async () => {
    const { partner } = await seed();
    const res = await json('POST', `/v1/partners/${partner.id}/links`, { url: 'https://evil.test/phish' });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: {
        code: 'validation_failed',
        message: 'url: destination refused (host_not_allowed)',
        requestId: res.res.headers.get('x-request-id'),
        reason: 'host_not_allowed',
        field: 'url',
      },
    });
  });

  it('409 code_taken when a vanity code is taken (D1 unique-violation errors are recognised)', async () => {
    const { partner, link } = await seed();
    // Codes are unique case-insensitively, so the upper-cased code is taken too.
    const res = await json('POST', `/v1/partners/${partner.id}/links`, { code: link.code.toUpperCase() });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'conflict', reason: 'code_taken' });
  });

  it('401 without an API key', async () => {
    const res = await self('GET', '/v1/programs', undefined, { authorization: '' });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });
});
