import { createExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../src/worker';
import { ORIGIN, json } from './helpers';

const get = (e: object) => worker.fetch(new Request(`${ORIGIN}/v1/programs`, { headers: { authorization: 'Bearer test-admin-key-0123456789abcdefghij' } }), e as typeof env, createExecutionContext());

describe('Worker settings', () => {
  it('RATE_LIMIT_PER_SECOND=abc is an error naming the variable, not a Worker without a rate limit', async () => {
    await expect(get({ ...env, RATE_LIMIT_PER_SECOND: 'abc' })).rejects.toThrow('RATE_LIMIT_PER_SECOND must be a number ≥ 0, got "abc"');
    // A [vars] entry written as a TOML number arrives as a number and is read as one.
    expect((await get({ ...env, RATE_LIMIT_PER_SECOND: 100 })).status).toBe(200);
    expect((await json('GET', '/v1/programs')).status).toBe(200);
  });

  it('PORTAL_LOGIN_RATE_LIMIT_PER_MINUTE=abc is an error naming the variable; a number (TOML) is read as one', async () => {
    await expect(get({ ...env, PORTAL_LOGIN_RATE_LIMIT_PER_MINUTE: 'abc' })).rejects.toThrow('PORTAL_LOGIN_RATE_LIMIT_PER_MINUTE must be an integer from 0 to 1000000, got "abc"');
    expect((await get({ ...env, PORTAL_LOGIN_RATE_LIMIT_PER_MINUTE: 20 })).status).toBe(200);
    expect((await json('GET', '/v1/programs')).status).toBe(200);
  });

  it('ADMIN_API_KEY shorter than 32 characters is an error, as a short JWT_SECRET is, not a Worker with a guessable root key', async () => {
    await expect(get({ ...env, ADMIN_API_KEY: 'x'.repeat(31) })).rejects.toThrow('ADMIN_API_KEY must be at least 32 characters');
    await expect(get({ ...env, JWT_SECRET: 'x'.repeat(31) })).rejects.toThrow('JWT_SECRET must be at least 32 characters');
    expect((await json('GET', '/v1/programs')).status).toBe(200);
  });
});
