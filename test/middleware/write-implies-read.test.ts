import { beforeAll, describe, expect, it } from 'vitest';
import { makeApp, programInput, seedProgram, type TestApp } from '../helpers/app';
import { grants, SCOPES, type Scope } from '../../src/middleware/auth';
import { countRows, expectApiError } from '../foundation/support';

// A write scope also grants its read scope (programs:write → programs:read, ledger:write →
// ledger:read), as Stripe's restricted keys do; nothing else is implied.

let t: TestApp;
let programId: string;
let partnerId: string;
let rewardId: string;
const keys: Record<string, string> = {};

async function mint(name: string, scopes: string[]) {
  const r = await t.json('POST', '/v1/api-keys', { name, scopes });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.key as string;
}
const as = (name: string) => ({ authorization: `Bearer ${keys[name]}` });

beforeAll(async () => {
  t = await makeApp({ env: { JWT_SECRET: 'x'.repeat(32) } });
  const { program, partner } = await seedProgram(t);
  programId = program.id;
  partnerId = partner.id;
  const reward = await t.json('POST', `/v1/programs/${programId}/rewards`, { event: 'lead', type: 'fixed', amount: 100, holdDays: 0 });
  expect(reward.status, JSON.stringify(reward.body)).toBe(201);
  rewardId = reward.body.id;
  const lead = await t.json('POST', '/v1/track/lead', { code: partner.code, customer: { externalId: 'cust_1' } });
  expect(lead.status, JSON.stringify(lead.body)).toBe(200);
  expect(lead.body.commissions.map((c: { amount: number }) => c.amount)).toEqual([100]);
  for (const s of ['programs:read', 'programs:write', 'ledger:read', 'ledger:write', 'conversions:write'] as const) keys[s] = await mint(s, [s]);
  keys['programs:write+ledger:write'] = await mint('pw+lw', ['programs:write', 'ledger:write']);
});

describe('grants', () => {
  it.each<[string[], Scope, boolean]>([
    [['*'], 'programs:read', true],
    [['*'], '*', true],
    [['programs:read'], 'programs:read', true],
    [['programs:write'], 'programs:read', true],
    [['programs:read'], 'programs:write', false],
    [['ledger:write'], 'ledger:read', true],
    [['ledger:read'], 'ledger:write', false],
    [['programs:write'], 'ledger:read', false],
    [['ledger:write'], 'programs:read', false],
    [['conversions:write'], 'programs:read', false],
    [['conversions:write'], 'ledger:read', false],
    [['programs:write', 'ledger:write'], '*', false],
    [[], 'programs:read', false],
  ])('%j grants %s: %s', (held, needed, expected) => {
    expect(grants(held, needed)).toBe(expected);
  });

  it('each scope grants exactly itself, plus its read scope for programs:write and ledger:write', () => {
    const table = Object.fromEntries(SCOPES.filter((s) => s !== '*').map((held) => [held, SCOPES.filter((n) => grants([held], n))]));
    expect(table).toEqual({
      'programs:read': ['programs:read'],
      'programs:write': ['programs:read', 'programs:write'],
      'conversions:write': ['conversions:write'],
      'ledger:read': ['ledger:read'],
      'ledger:write': ['ledger:read', 'ledger:write'],
    });
  });
});

describe('programs:write implies programs:read', () => {
  it('a programs:write key reads programs, rewards, partners and links exactly as a programs:read key does', async () => {
    const reads = [
      '/v1/programs',
      `/v1/programs/${programId}`,
      `/v1/programs/${programId}/rewards`,
      `/v1/programs/${programId}/rewards/${rewardId}`,
      `/v1/programs/${programId}/partners`,
      `/v1/partners/${partnerId}`,
      `/v1/partners/${partnerId}/links`,
    ];
    for (const path of reads) {
      const byWriter = await t.json('GET', path, undefined, as('programs:write'));
      const byReader = await t.json('GET', path, undefined, as('programs:read'));
      expect(byWriter.status, `${path}: ${JSON.stringify(byWriter.body)}`).toBe(200);
      expect(byWriter.body).toEqual(byReader.body);
    }
    const rewards = await t.json('GET', `/v1/programs/${programId}/rewards`, undefined, as('programs:write'));
    expect(rewards.body.data.map((r: { id: string; amount: number }) => [r.id, r.amount])).toEqual([[rewardId, 100]]);
    const programs = await t.json('GET', '/v1/programs', undefined, as('programs:write'));
    expect(programs.body.data.map((p: { id: string }) => p.id)).toEqual([programId]);
  });

  it('a programs:read key still cannot create or change anything (403, nothing written)', async () => {
    expectApiError(await t.json('POST', '/v1/programs', programInput, as('programs:read')), 403, 'forbidden');
    const reward = await t.json('POST', `/v1/programs/${programId}/rewards`, { event: 'sale', type: 'fixed', amount: 5 }, as('programs:read'));
    expectApiError(reward, 403, 'forbidden');
    expect(reward.body.error.message).toBe('This key lacks the programs:write scope');
    expectApiError(await t.json('PATCH', `/v1/programs/${programId}/rewards/${rewardId}`, { amount: 7 }, as('programs:read')), 403, 'forbidden');
    expect(await countRows(t, 'programs')).toBe(1);
    const rewards = await t.json('GET', `/v1/programs/${programId}/rewards`);
    expect(rewards.body.data.map((r: { amount: number }) => r.amount)).toEqual([100]);
  });

  it('programs:write grants no ledger read, and conversions:write grants no read at all', async () => {
    const commissions = await t.json('GET', `/v1/programs/${programId}/commissions`, undefined, as('programs:write'));
    expectApiError(commissions, 403, 'forbidden');
    expect(commissions.body.error.message).toBe('This key lacks the ledger:read scope');
    expectApiError(await t.json('GET', '/v1/programs', undefined, as('ledger:write')), 403, 'forbidden');
    expectApiError(await t.json('GET', '/v1/programs', undefined, as('conversions:write')), 403, 'forbidden');
    expectApiError(await t.json('GET', '/v1/events', undefined, as('conversions:write')), 403, 'forbidden');
  });
});

describe('ledger:write implies ledger:read', () => {
  it('a ledger:write key reads every ledger:read route exactly as a ledger:read key does', async () => {
    const reads = [
      `/v1/programs/${programId}/commissions`,
      '/v1/events',
      `/v1/partners/${partnerId}/balance`,
      `/v1/programs/${programId}/payouts`,
      `/v1/programs/${programId}/report`,
      `/v1/programs/${programId}/leaderboard`,
      `/v1/programs/${programId}/kpis`,
    ];
    for (const path of reads) {
      const byWriter = await t.json('GET', path, undefined, as('ledger:write'));
      const byReader = await t.json('GET', path, undefined, as('ledger:read'));
      expect(byWriter.status, `${path}: ${JSON.stringify(byWriter.body)}`).toBe(200);
      expect(byReader.status).toBe(200);
      expect(byWriter.body).toEqual(byReader.body);
    }
    const commissions = await t.json('GET', `/v1/programs/${programId}/commissions`, undefined, as('ledger:write'));
    expect(commissions.body.data.map((c: { amount: number; partnerId: string }) => [c.amount, c.partnerId])).toEqual([[100, partnerId]]);
  });

  it('a ledger:read key still cannot write the ledger (403)', async () => {
    expectApiError(await t.json('POST', '/v1/jobs/approve-commissions', undefined, as('ledger:read')), 403, 'forbidden');
    expectApiError(await t.json('POST', `/v1/programs/${programId}/payouts`, {}, as('ledger:read')), 403, 'forbidden');
    expect((await t.json('GET', `/v1/programs/${programId}/payouts`)).body.data).toEqual([]);
  });

  it('minting a partner token (programs:write + ledger:read) accepts ledger:write for ledger:read', async () => {
    const r = await t.json('POST', `/v1/partners/${partnerId}/tokens`, {}, as('programs:write+ledger:write'));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(typeof r.body.token).toBe('string');
    const noLedger = await t.json('POST', `/v1/partners/${partnerId}/tokens`, {}, as('programs:write'));
    expectApiError(noLedger, 403, 'forbidden');
    expect(noLedger.body.error.message).toBe('This key lacks the ledger:read scope');
  });
});
