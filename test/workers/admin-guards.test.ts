import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { json } from './helpers';
import { addReward, leadByCode, program } from './tracking';

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

describe('admin guards on workerd with D1', () => {
  it('a rule that has counted a conversion keeps its event (409 reward_in_use); an unused one may change', async () => {
    const { program: p, partner } = await program();
    const used = await addReward(p.id, { event: 'lead', type: 'fixed', amount: 1000 });
    const unused = await addReward(p.id, { event: 'demo_requested', type: 'fixed', amount: 1000 });
    await leadByCode(partner.code, 'cus_1');
    const refused = await json('PATCH', `/v1/programs/${p.id}/rewards/${used.id}`, { event: 'sale' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'conflict', reason: 'reward_in_use' });
    expect((await json('GET', `/v1/programs/${p.id}/rewards/${used.id}`)).body.event).toBe('lead');
    const moved = await json('PATCH', `/v1/programs/${p.id}/rewards/${unused.id}`, { event: 'training_booked' });
    expect([moved.status, moved.body.event]).toEqual([200, 'training_booked']);
  });

  it('an Idempotency-Key left claimed by a request that died is in progress for 60 s, then a retry runs', async () => {
    const body = { name: 'D1 idem', currency: 'USD', defaultUrl: 'https://acme.test/', allowedHosts: ['acme.test'] };
    const text = JSON.stringify(body);
    const claim = async (header: string, ageMs: number) =>
      env.DB.prepare('insert into idempotency_keys (key, request_hash, status, response, created_at) values (?, ?, null, null, ?)')
        .bind(await sha256(`root\n/v1/programs\n${header}`), await sha256(text), Date.now() - ageMs)
        .run();
    await claim('fresh', 0);
    await claim('dead', 61_000);

    const busy = await json('POST', '/v1/programs', body, { 'idempotency-key': 'fresh' });
    expect(busy.status).toBe(409);
    expect(busy.body.error.reason).toBe('idempotency_in_progress');
    expect(Number(busy.res.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);

    const retry = await json('POST', '/v1/programs', body, { 'idempotency-key': 'dead' });
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    const replay = await json('POST', '/v1/programs', body, { 'idempotency-key': 'dead' });
    expect([replay.status, replay.res.headers.get('idempotent-replayed'), replay.body.id]).toEqual([201, 'true', retry.body.id]);
    const { results } = await env.DB.prepare("select id from programs where name = 'D1 idem'").all();
    expect(results).toEqual([{ id: retry.body.id }]);
  });
});
