import { describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app';
import { expectApiError } from '../foundation/support';
import { programInput } from '../helpers/app';
import { addReward, commissions, events, leadByCode, setup } from './support';
import { idempotencyKeys } from '../../src/db/schema';

/** Sends the same call 6 times (1 + 5 replays); every answer must be the first one, byte for byte. */
async function sendSixTimes(t: TestApp, path: string, body: Record<string, unknown>) {
  const first = await t.request('POST', path, body);
  expect(first.status).toBe(200);
  const text = await first.text();
  for (let i = 0; i < 5; i++) {
    t.advance(60_000); // replays come later; the answer must not change
    const again = await t.request('POST', path, body);
    expect(again.status).toBe(200);
    expect(await again.text()).toBe(text);
  }
  return JSON.parse(text);
}

async function fixture() {
  const { t, program, partner } = await setup({ holdDays: 0 });
  await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 700 });
  await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 2000 });
  await addReward(t, program.id, { event: 'demo_requested', type: 'fixed', amount: 300 });
  return { t, program, partner };
}

describe('tracking calls are idempotent', () => {
  it('lead ×6 → one event, one commission, identical bodies', async () => {
    const { t, program, partner } = await fixture();
    const body = { code: partner.code, customer: { externalId: 'cus_1', email: 'c1@example.com' }, metadata: { a: 1, b: 'x' } };
    const r = await sendSixTimes(t, '/v1/track/lead', body);
    expect(r.commissions).toHaveLength(1);
    // Key order does not make a different request.
    const reordered = await t.json('POST', '/v1/track/lead', { metadata: { b: 'x', a: 1 }, customer: { email: 'c1@example.com', externalId: 'cus_1' }, code: partner.code });
    expect(reordered.body).toEqual(r);
    expect(await events(t, program.id)).toHaveLength(1);
    expect(await commissions(t, program.id)).toHaveLength(1);
  });

  it('sale ×6 → one event, one commission', async () => {
    const { t, program, partner } = await fixture();
    await leadByCode(t, partner.code, 'cus_1');
    const r = await sendSixTimes(t, '/v1/track/sale', { programId: program.id, customerExternalId: 'cus_1', externalId: 'ord_1', amount: 10001, currency: 'EUR', quantity: 2 });
    expect(r.commissions.map((c: any) => c.amount)).toEqual([2000]);
    expect(await events(t, program.id)).toHaveLength(2);
    expect(await commissions(t, program.id)).toHaveLength(2);
  });

  it('custom event ×6, with and without externalId', async () => {
    const { t, program, partner } = await fixture();
    await leadByCode(t, partner.code, 'cus_1');
    await sendSixTimes(t, '/v1/track/event', { programId: program.id, customerExternalId: 'cus_1', eventName: 'demo_requested' });
    await sendSixTimes(t, '/v1/track/event', { programId: program.id, customerExternalId: 'cus_1', eventName: 'demo_requested', externalId: 'demo-2' });
    expect(await events(t, program.id)).toHaveLength(3);
    expect((await commissions(t, program.id)).map((c) => c.amount).sort()).toEqual([300, 300, 700]);
  });

  it('refund ×6 → one refund event, one reversal', async () => {
    const { t, program, partner } = await fixture();
    await leadByCode(t, partner.code, 'cus_1');
    await t.json('POST', '/v1/track/sale', { programId: program.id, customerExternalId: 'cus_1', externalId: 'ord_1', amount: 10000, currency: 'EUR' });
    const r = await sendSixTimes(t, '/v1/track/refund', { programId: program.id, saleExternalId: 'ord_1', externalId: 'rf_1', amount: 2500 });
    expect(r.commissions.map((c: any) => [c.kind, c.amount])).toEqual([['reversal', -500]]);
    expect((await events(t, program.id)).map((e) => e.type).sort()).toEqual(['lead', 'refund', 'sale']);
    expect(await commissions(t, program.id)).toHaveLength(3);
  });

  it('the same externalId with a different payload is 409 and writes nothing', async () => {
    const { t, program, partner } = await fixture();
    await leadByCode(t, partner.code, 'cus_1');
    const saleBody = { programId: program.id, customerExternalId: 'cus_1', externalId: 'ord_1', amount: 10000, currency: 'EUR' };
    expect((await t.json('POST', '/v1/track/sale', saleBody)).status).toBe(200);
    await t.json('POST', '/v1/track/event', { programId: program.id, customerExternalId: 'cus_1', eventName: 'demo_requested', externalId: 'd1' });
    await t.json('POST', '/v1/track/refund', { programId: program.id, saleExternalId: 'ord_1', externalId: 'rf_1', amount: 100 });
    const before = { events: (await events(t, program.id)).length, commissions: (await commissions(t, program.id)).length };

    const conflicts = [
      await t.json('POST', '/v1/track/sale', { ...saleBody, amount: 10001 }),
      await t.json('POST', '/v1/track/lead', { code: partner.code, customer: { externalId: 'cus_1', email: 'new@example.com' } }),
      await t.json('POST', '/v1/track/event', { programId: program.id, customerExternalId: 'cus_1', eventName: 'demo_requested', externalId: 'd1', metadata: { x: 1 } }),
      await t.json('POST', '/v1/track/refund', { programId: program.id, saleExternalId: 'ord_1', externalId: 'rf_1', amount: 200 }),
    ];
    for (const r of conflicts) {
      expectApiError(r, 409, 'conflict');
      expect(r.body.error.reason).toBe('idempotency_conflict');
    }
    expect({ events: (await events(t, program.id)).length, commissions: (await commissions(t, program.id)).length }).toEqual(before);
  });
});

describe('concurrent tracking calls', () => {
  it('5 identical sales at once → one event, one commission, the same body for all', async () => {
    const { t, program, partner } = await fixture();
    await leadByCode(t, partner.code, 'cus_1');
    const body = { programId: program.id, customerExternalId: 'cus_1', externalId: 'ord_1', amount: 1000, currency: 'EUR' };
    const rs = await Promise.all(Array.from({ length: 5 }, () => t.json('POST', '/v1/track/sale', body)));
    expect(rs.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(rs.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(await events(t, program.id)).toHaveLength(2);
    expect((await commissions(t, program.id)).map((c) => c.amount).sort()).toEqual([200, 700]);
  });

  it('15 referrals at once never exceed a 50000 partner cap', async () => {
    const { t, program, partner } = await setup();
    await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 5000, caps: { perPartner: { amount: 50000, period: 'year' } } });
    const rs = await Promise.all(
      Array.from({ length: 15 }, (_, i) => t.json('POST', '/v1/track/lead', { code: partner.code, customer: { externalId: `cus_${i}` } })),
    );
    expect(rs.every((r) => r.status === 200)).toBe(true);
    expect(rs.filter((r) => r.body.commissions.length === 1)).toHaveLength(10);
    expect(rs.filter((r) => r.body.skipped[0]?.reason === 'cap_reached')).toHaveLength(5);
    const all = await commissions(t, program.id);
    expect(all.reduce((s, c) => s + c.amount, 0)).toBe(50000);
  });
});

describe('Idempotency-Key header', () => {
  it('POST /v1/programs: a replay returns the same program; another body is 409 idempotency_key_reused', async () => {
    const t = (await setup()).t;
    const list = async () => (await t.json('GET', '/v1/programs?limit=200')).body.data.length;
    const before = await list();
    const headers = { 'idempotency-key': 'create-program-1' };
    const first = await t.json('POST', '/v1/programs', { ...programInput, name: 'Keyed' }, headers);
    expect(first.status).toBe(201);
    for (let i = 0; i < 3; i++) {
      const again = await t.json('POST', '/v1/programs', { ...programInput, name: 'Keyed' }, headers);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.res.headers.get('idempotent-replayed')).toBe('true');
    }
    const other = await t.json('POST', '/v1/programs', { ...programInput, name: 'Other' }, headers);
    expectApiError(other, 409, 'conflict');
    expect(other.body.error.reason).toBe('idempotency_key_reused');
    expect(await list()).toBe(before + 1);
  });

  it('a replay with a revoked API key is 401, not the stored answer', async () => {
    const t = (await setup()).t;
    const minted = await t.json('POST', '/v1/api-keys', { name: 'ops', scopes: ['programs:write'] });
    expect(minted.status).toBe(201);
    const headers = { 'idempotency-key': 'k-revoked', authorization: `Bearer ${minted.body.key}` };
    const first = await t.json('POST', '/v1/programs', { ...programInput, name: 'Keyed' }, headers);
    expect(first.status).toBe(201);
    expect((await t.json('DELETE', `/v1/api-keys/${minted.body.id}`)).status).toBe(200);
    const replay = await t.json('POST', '/v1/programs', { ...programInput, name: 'Keyed' }, headers);
    expectApiError(replay, 401, 'unauthorized');
    expect(replay.res.headers.get('idempotent-replayed')).toBeNull();
  });

  it("is per credential: key A's Idempotency-Key sent by key B never returns A's answer", async () => {
    const t = (await setup()).t;
    const mint = async (scopes: string[]) => (await t.json('POST', '/v1/api-keys', { name: 'k', scopes })).body.key as string;
    const [a, b, reader] = [await mint(['programs:write']), await mint(['programs:write']), await mint(['programs:read'])];
    const body = { ...programInput, name: 'Keyed' };
    const first = await t.json('POST', '/v1/programs', body, { 'idempotency-key': 'shared', authorization: `Bearer ${a}` });
    expect(first.status).toBe(201);
    // B with the same key and body runs its own request (a second program), not a replay of A's.
    const byB = await t.json('POST', '/v1/programs', body, { 'idempotency-key': 'shared', authorization: `Bearer ${b}` });
    expect(byB.status).toBe(201);
    expect(byB.res.headers.get('idempotent-replayed')).toBeNull();
    expect(byB.body.id).not.toBe(first.body.id);
    // B with another body is not A's 409 either; a key without the scope is 403, never A's answer.
    const other = await t.json('POST', '/v1/programs', { ...body, name: 'Other' }, { 'idempotency-key': 'shared', authorization: `Bearer ${b}` });
    expect(other.status).toBe(409); // B's own key, now used with another body
    const byReader = await t.json('POST', '/v1/programs', body, { 'idempotency-key': 'shared', authorization: `Bearer ${reader}` });
    expectApiError(byReader, 403, 'forbidden');
    const anonymous = await t.app.request('/v1/programs', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'shared' }, body: JSON.stringify(body) });
    expect(anonymous.status).toBe(401);
    const names = (await t.json('GET', '/v1/programs?limit=200')).body.data.map((p: { name: string }) => p.name).filter((n: string) => n === 'Keyed');
    expect(names).toHaveLength(2);
  });

  it('an unauthenticated request stores nothing under its Idempotency-Key (not even a 404)', async () => {
    const t = (await setup()).t;
    const before = (await t.db.select().from(idempotencyKeys)).length;
    for (let i = 0; i < 5; i++) {
      const res = await t.app.request(`/v1/no-such-route-${i}`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': `anon-${i}` }, body: '{}' });
      expect(res.status).toBe(404);
    }
    const bogus = await t.app.request('/v1/programs', { method: 'POST', headers: { authorization: 'Bearer nope', 'content-type': 'application/json', 'idempotency-key': 'anon-x' }, body: '{}' });
    expect(bogus.status).toBe(401);
    expect((await t.db.select().from(idempotencyKeys)).length).toBe(before);
  });

  it('a revoked API key reusing its Idempotency-Key with another body is 401, not 409', async () => {
    const t = (await setup()).t;
    const minted = await t.json('POST', '/v1/api-keys', { name: 'ops', scopes: ['programs:write'] });
    const headers = { 'idempotency-key': 'k-revoked-2', authorization: `Bearer ${minted.body.key}` };
    expect((await t.json('POST', '/v1/programs', { ...programInput, name: 'Keyed' }, headers)).status).toBe(201);
    expect((await t.json('DELETE', `/v1/api-keys/${minted.body.id}`)).status).toBe(200);
    expectApiError(await t.json('POST', '/v1/programs', { ...programInput, name: 'Other' }, headers), 401, 'unauthorized');
  });

  it('a failed (4xx validation) request does not poison the key', async () => {
    const t = (await setup()).t;
    const headers = { 'idempotency-key': 'k-2' };
    const bad = await t.json('POST', '/v1/programs', { ...programInput, currency: 'XXX' }, headers);
    expect(bad.status).toBe(422);
    const again = await t.json('POST', '/v1/programs', { ...programInput, currency: 'XXX' }, headers);
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('validation_failed');
  });
});
