import { expect } from 'vitest';
import { env } from 'cloudflare:workers';
import { json, settled } from './helpers';

export const DAY = 86_400_000;
export const VISITOR = {
  'user-agent':
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'cf-connecting-ip': '203.0.113.7',
};

/** A fresh program (USD unless overridden) with one partner, through the worker. */
export async function program(overrides: Record<string, unknown> = {}) {
  const p = await json('POST', '/v1/programs', {
    name: 'Acme referrals',
    currency: 'USD',
    defaultUrl: 'https://acme.test/signup',
    allowedHosts: ['acme.test'],
    ...overrides,
  });
  expect(p.status, JSON.stringify(p.body)).toBe(201);
  const partner = await json('POST', `/v1/programs/${p.body.id}/partners`, { name: 'Jane Doe', email: 'jane@partner.test' });
  expect(partner.status, JSON.stringify(partner.body)).toBe(201);
  return { program: p.body, partner: partner.body };
}

export async function addReward(programId: string, rule: Record<string, unknown>) {
  const r = await json('POST', `/v1/programs/${programId}/rewards`, rule);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

/** GET /:code as a browser, waiting for the click write; returns the click id from the redirect. */
export async function clickThrough(code: string): Promise<string> {
  const res = await settled('GET', `/${code}`, VISITOR);
  expect(res.status).toBe(302);
  const clickId = new URL(res.headers.get('location')!).searchParams.get('rcid');
  expect(clickId).toMatch(/^clk_/);
  return clickId!;
}

export async function leadByCode(code: string, externalId: string) {
  const r = await json('POST', '/v1/track/lead', { code, customer: { externalId } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

export async function sale(programId: string, customerExternalId: string, externalId: string, amount: number, extra: Record<string, unknown> = {}) {
  const r = await json('POST', '/v1/track/sale', { programId, customerExternalId, externalId, amount, currency: 'USD', ...extra });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

export function refund(programId: string, saleExternalId: string, externalId: string, amount?: number) {
  return json('POST', '/v1/track/refund', { programId, saleExternalId, externalId, ...(amount === undefined ? {} : { amount }) });
}

export async function commissions(programId: string, q: { partnerId?: string; status?: string } = {}) {
  const r = await json('GET', `/v1/programs/${programId}/commissions?${new URLSearchParams({ limit: '200', ...q })}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body.nextCursor).toBeNull();
  return r.body.data as any[];
}

export async function events(programId: string) {
  const r = await json('GET', `/v1/events?programId=${programId}&limit=200`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body.nextCursor).toBeNull();
  return r.body.data as any[];
}

/** The partner's {pending, approved, paid} in one unit; zeros when there is nothing. */
export async function balance(partnerId: string, unit = 'USD') {
  const r = await json('GET', `/v1/partners/${partnerId}/balance`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const b = (r.body.balances as any[]).find((x) => x.unit === unit);
  return { pending: b?.pending ?? 0, approved: b?.approved ?? 0, paid: b?.paid ?? 0 };
}

/** Rows straight from D1, to check what the API reports against what was stored. */
export async function countRows(table: 'events' | 'commissions', programId: string): Promise<number> {
  const row = await env.DB.prepare(`select count(*) as n from ${table} where program_id = ?`).bind(programId).first<{ n: number }>();
  return row!.n;
}

export const sum = (rows: { amount: number }[]) => rows.reduce((s, r) => s + r.amount, 0);
