import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, seedProgram } from '../helpers/app';
import { rawClient } from '../foundation/support';
import { deliverDueWebhooks } from '../../src/webhooks/deliver-webhooks';
import { startReceiver, setupWebhooks, runJobs, T0 } from './support';

describe('webhook endpoints — the API', () => {
  it('create, list, get, patch, delete; the URL is stored normalised; the secret is never stored', async () => {
    const { t, program } = await setupWebhooks();
    const a = await t.json('POST', `/v1/programs/${program.id}/webhooks`, { url: 'https://Hooks.Example.COM:443/in?x=1', events: ['sale.created', 'sale.created', 'lead.created'] });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ url: 'https://hooks.example.com/in?x=1', events: ['sale.created', 'lead.created'], active: true, description: null });
    t.advance(1000);
    const b = await t.json('POST', `/v1/programs/${program.id}/webhooks`, { url: 'https://b.example.com/', events: ['commission.created'], active: false, description: '  ERP  ' });
    expect(b.body).toMatchObject({ active: false, description: 'ERP' });
    const list = await t.json('GET', `/v1/programs/${program.id}/webhooks?limit=1`);
    expect(list.body.data.map((w: any) => w.id)).toEqual([b.body.id]);
    const next = await t.json('GET', `/v1/programs/${program.id}/webhooks?limit=1&cursor=${list.body.nextCursor}`);
    expect(next.body).toEqual({ data: [{ ...a.body, secret: undefined }].map(({ secret, ...w }) => w), nextCursor: null });

    t.advance(1000);
    const patched = await t.json('PATCH', `/v1/webhooks/${a.body.id}`, { events: ['refund.deleted'] });
    expect(patched.status).toBe(422);
    const ok = await t.json('PATCH', `/v1/webhooks/${a.body.id}`, { url: 'https://c.example.com/x', events: ['conversion.created'], active: false, description: null });
    expect(ok.body).toMatchObject({ id: a.body.id, url: 'https://c.example.com/x', events: ['conversion.created'], active: false, description: null, secretVersion: 1, updatedAt: new Date(T0.getTime() + 2000).toISOString() });
    expect((await t.json('GET', `/v1/webhooks/${a.body.id}`)).body).toEqual(ok.body);

    const stored = JSON.stringify((await rawClient(t).execute('select * from webhook_endpoints')).rows);
    expect(stored).not.toContain(a.body.secret.slice('whsec_'.length));
    expect(stored).not.toContain(b.body.secret.slice('whsec_'.length));
    expect(stored).not.toContain('whsec_');

    const del = await t.json('DELETE', `/v1/webhooks/${a.body.id}`);
    expect(del).toMatchObject({ status: 200, body: { id: a.body.id, deleted: true } });
    expect((await t.json('DELETE', `/v1/webhooks/${a.body.id}`)).status).toBe(404);
    expect((await t.json('GET', `/v1/webhooks/${a.body.id}`)).status).toBe(404);
  });

  it('URL rules: https only (http with WEBHOOKS_ALLOW_HTTP=1), no credentials, no private or loopback host, at most 2,048 characters', async () => {
    const t = await makeApp({ env: { JWT_SECRET: 'j'.repeat(32) } });
    const { program } = await seedProgram(t);
    const post = (url: string) => t.json('POST', `/v1/programs/${program.id}/webhooks`, { url, events: ['sale.created'] });
    const reasons: [string, string][] = [
      ['http://hooks.test/', 'scheme_not_allowed'],
      ['https://u:p@hooks.test/', 'credentials_not_allowed'],
      ['https://u@hooks.test/', 'credentials_not_allowed'],
      [`https://hooks.test/${'a'.repeat(2030)}`, 'too_long'],
      ['hooks.test/x', 'invalid_url'],
      ['https://hooks.test/a b', 'invalid_url'],
      // the server would call itself, a private network or cloud metadata
      ['https://localhost/hook', 'private_address'],
      ['https://api.localhost./hook', 'private_address'],
      ['https://printer.local/', 'private_address'],
      ['https://db.internal/', 'private_address'],
      ['https://127.0.0.1/', 'private_address'],
      ['https://2130706433/', 'private_address'], // 127.0.0.1 as one number
      ['https://0x7f.1/', 'private_address'],
      ['https://10.1.2.3/', 'private_address'],
      ['https://172.31.255.255/', 'private_address'],
      ['https://192.168.0.10/', 'private_address'],
      ['https://169.254.169.254/latest/meta-data/', 'private_address'],
      ['https://100.64.0.1/', 'private_address'],
      ['https://0.0.0.0/', 'private_address'],
      ['https://[::1]/', 'private_address'],
      ['https://[::ffff:127.0.0.1]/', 'private_address'],
      ['https://[fd00::1]/', 'private_address'],
      ['https://[fe80::1]/', 'private_address'],
    ];
    for (const [url, reason] of reasons) {
      const r = await post(url);
      expect([r.status, r.body.error.reason, r.body.error.field], url).toEqual([422, reason, 'url']);
    }
    const longest = `https://hooks.test/${'a'.repeat(2048 - 'https://hooks.test/'.length)}`;
    expect((await post(longest)).status).toBe(201);
    // public addresses, and names that merely look local, are fine
    for (const url of ['https://172.32.0.1/', 'https://8.8.8.8/', 'https://[2606:4700::1111]/', 'https://localhost.example.com/']) {
      expect((await post(url)).status, url).toBe(201);
    }
    expect((await rawClient(t).execute('select count(*) as n from webhook_endpoints')).rows[0]!.n).toBe(5);
    // a PATCH is checked the same way
    const id = (await t.json('GET', `/v1/programs/${program.id}/webhooks`)).body.data[0].id;
    const patched = await t.json('PATCH', `/v1/webhooks/${id}`, { url: 'https://169.254.169.254/' });
    expect([patched.status, patched.body.error.reason]).toEqual([422, 'private_address']);
    // a local set-up with a local receiver says so with WEBHOOKS_ALLOW_HTTP=1
    const local = await makeApp({ env: { JWT_SECRET: 'j'.repeat(32), WEBHOOKS_ALLOW_HTTP: '1' } });
    const { program: lp } = await seedProgram(local);
    expect((await local.json('POST', `/v1/programs/${lp.id}/webhooks`, { url: 'http://127.0.0.1:9999/hook', events: ['sale.created'] })).status).toBe(201);
  });

  it('at most 20 endpoints a program (409 too_many_webhooks, nothing written); other programs are not counted', async () => {
    const { t, program } = await setupWebhooks();
    for (let i = 0; i < 20; i++) {
      expect((await t.json('POST', `/v1/programs/${program.id}/webhooks`, { url: `https://h${i}.test/`, events: ['sale.created'] })).status).toBe(201);
    }
    const full = await t.json('POST', `/v1/programs/${program.id}/webhooks`, { url: 'https://h20.test/', events: ['sale.created'] });
    expect([full.status, full.body.error.code, full.body.error.reason]).toEqual([409, 'conflict', 'too_many_webhooks']);
    const other = await t.json('POST', '/v1/programs', { name: 'Other', currency: 'USD', defaultUrl: 'https://other.test/', allowedHosts: ['other.test'] });
    expect((await t.json('POST', `/v1/programs/${other.body.id}/webhooks`, { url: 'https://o.test/', events: ['sale.created'] })).status).toBe(201);
    expect((await rawClient(t).execute('select count(*) as n from webhook_endpoints')).rows[0]!.n).toBe(21);
  });

  it('without JWT_SECRET or JWT_PRIVATE_KEY there is no root key: 403 not_configured, nothing written', async () => {
    const t = await makeApp();
    t.deps.config.jwtSecret = null; // makeApp's runtime has no ensureJwtSecret; be explicit
    const { program } = await seedProgram(t);
    const r = await t.json('POST', `/v1/programs/${program.id}/webhooks`, { url: 'https://hooks.test/', events: ['sale.created'] });
    expect([r.status, r.body.error.reason]).toEqual([403, 'not_configured']);
    expect((await rawClient(t).execute('select count(*) as n from webhook_endpoints')).rows[0]!.n).toBe(0);
  });
});

describe('webhooks — program isolation and concurrent runners', () => {
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    rx = await startReceiver();
  });
  afterAll(async () => {
    await rx.close();
  });

  it("a program's events reach only its own endpoints; a partner token reaches no webhook route", async () => {
    rx.received.length = 0;
    const { t, program, partner } = await setupWebhooks();
    const other = await t.json('POST', '/v1/programs', { name: 'Other', currency: 'EUR', defaultUrl: 'https://other.test/', allowedHosts: ['other.test'] });
    const otherPartner = await t.json('POST', `/v1/programs/${other.body.id}/partners`, { name: 'Uma', email: 'uma@partner.test' });
    const mine = await t.json('POST', `/v1/programs/${program.id}/webhooks`, { url: `${rx.url}?p=1`, events: ['lead.created'] });
    const theirs = await t.json('POST', `/v1/programs/${other.body.id}/webhooks`, { url: `${rx.url}?p=2`, events: ['lead.created'] });
    await t.json('POST', '/v1/track/lead', { code: partner.code, customer: { externalId: 'c1' } });
    await t.json('POST', '/v1/track/lead', { code: otherPartner.body.code, customer: { externalId: 'c2' } });
    await t.json('POST', '/v1/track/lead', { code: otherPartner.body.code, customer: { externalId: 'c3' } });
    expect((await runJobs(t)).webhooks).toEqual({ attempted: 3, delivered: 3, failed: 0 });
    const mineList = (await t.json('GET', `/v1/webhooks/${mine.body.id}/deliveries`)).body.data;
    const theirList = (await t.json('GET', `/v1/webhooks/${theirs.body.id}/deliveries`)).body.data;
    expect(mineList).toHaveLength(1);
    expect(theirList).toHaveLength(2);
    expect((await t.json('GET', `/v1/programs/${program.id}/webhooks`)).body.data.map((w: any) => w.id)).toEqual([mine.body.id]);
    // A delivery is found under its own endpoint only.
    expect((await t.json('POST', `/v1/webhooks/${mine.body.id}/deliveries/${theirList[0].id}/retry`)).status).toBe(404);
    const token = await t.json('POST', `/v1/partners/${partner.id}/tokens`, {});
    for (const [method, path] of [['GET', `/v1/programs/${program.id}/webhooks`], ['GET', `/v1/webhooks/${mine.body.id}`], ['PATCH', `/v1/webhooks/${mine.body.id}`], ['POST', `/v1/webhooks/${mine.body.id}/rotate-secret`]] as const) {
      const r = await t.json(method, path, method === 'PATCH' ? { active: false } : undefined, { authorization: `Bearer ${token.body.token}` });
      expect(r.status, `${method} ${path}`).toBe(401);
    }
    const byQuery = (p: string) => rx.received.filter((r) => JSON.parse(r.body).data.programId === p).length;
    expect([byQuery(program.id), byQuery(other.body.id)]).toEqual([1, 2]);
  });

  it('two runners at once never send the same attempt twice', async () => {
    rx.received.length = 0;
    rx.setStatus(200);
    const { t, program, partner } = await setupWebhooks();
    await t.json('POST', `/v1/programs/${program.id}/webhooks`, { url: rx.url, events: ['lead.created'] });
    for (let i = 0; i < 6; i++) await t.json('POST', '/v1/track/lead', { code: partner.code, customer: { externalId: `c${i}` } });
    const rootKey = t.deps.config.jwtSecret!;
    const runs = await Promise.all([1, 2, 3].map(() => deliverDueWebhooks({ db: t.db, now: t.now, rootKey, limit: 4 })));
    expect(runs.reduce((n, r) => n + r.attempted, 0)).toBe(6);
    expect(rx.received).toHaveLength(6);
    expect(new Set(rx.received.map((r) => r.headers['reflink-delivery-id'])).size).toBe(6);
  });
});
