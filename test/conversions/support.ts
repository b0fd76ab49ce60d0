import { expect } from 'vitest';
import { makeApp, seedProgram, type TestApp } from '../helpers/app';
import { clickIdOf, visit } from '../foundation/support';

export const DAY = 86_400_000;
export const T0 = new Date('2026-03-01T12:00:00.000Z');

export const days = (n: number, from: Date = T0) => new Date(from.getTime() + n * DAY);

/** A fresh app with one program (EUR unless overridden) and one partner. */
export async function setup(programOverrides: Record<string, unknown> = {}) {
  const t = await makeApp({ now: T0 });
  const { program, partner } = await seedProgram(t, programOverrides);
  return { t, program, partner };
}

export async function addPartner(t: TestApp, programId: string, name: string, email: string) {
  const r = await t.json('POST', `/v1/programs/${programId}/partners`, { name, email });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

export async function addReward(t: TestApp, programId: string, rule: Record<string, unknown>) {
  const r = await t.json('POST', `/v1/programs/${programId}/rewards`, rule);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

/** POST /v1/track/lead by referral code; expects 200. */
export async function leadByCode(t: TestApp, code: string, externalId: string, extra: Record<string, unknown> = {}) {
  const r = await t.json('POST', '/v1/track/lead', { code, customer: { externalId }, ...extra });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

/** The API refuses future events: move the app clock up to a backfilled occurredAt if needed. */
export function catchUp(t: TestApp, extra: Record<string, unknown>) {
  if (typeof extra.occurredAt === 'string' && new Date(extra.occurredAt).getTime() > t.now.getTime()) t.setNow(new Date(extra.occurredAt));
}

let saleSeq = 0;
/** POST /v1/track/sale; expects 200. */
export async function sale(t: TestApp, programId: string, customerExternalId: string, amount: number, extra: Record<string, unknown> = {}) {
  catchUp(t, extra);
  const r = await t.json('POST', '/v1/track/sale', {
    programId,
    customerExternalId,
    externalId: `ord_${++saleSeq}`,
    amount,
    currency: 'EUR',
    ...extra,
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

export async function customEvent(t: TestApp, programId: string, customerExternalId: string, eventName: string, extra: Record<string, unknown> = {}) {
  const r = await t.json('POST', '/v1/track/event', { programId, customerExternalId, eventName, ...extra });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

export async function refund(t: TestApp, programId: string, saleExternalId: string, externalId: string, amount?: number) {
  return t.json('POST', '/v1/track/refund', { programId, saleExternalId, externalId, ...(amount === undefined ? {} : { amount }) });
}

/** Every ledger entry of a program (newest first), optionally filtered. */
export async function commissions(t: TestApp, programId: string, q: { partnerId?: string; status?: string } = {}) {
  const qs = new URLSearchParams({ limit: '200', ...q });
  const r = await t.json('GET', `/v1/programs/${programId}/commissions?${qs}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body.nextCursor).toBeNull();
  return r.body.data as any[];
}

export async function events(t: TestApp, programId: string) {
  const r = await t.json('GET', `/v1/events?programId=${programId}&limit=200`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body.nextCursor).toBeNull();
  return r.body.data as any[];
}

/** The partner's {pending, approved, paid} in one unit; zeros when there is nothing. */
export async function balance(t: TestApp, partnerId: string, unit = 'EUR') {
  const r = await t.json('GET', `/v1/partners/${partnerId}/balance`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const b = (r.body.balances as any[]).find((x) => x.unit === unit);
  return { pending: b?.pending ?? 0, approved: b?.approved ?? 0, paid: b?.paid ?? 0 };
}

export const sum = (rows: { amount: number }[]) => rows.reduce((s, r) => s + r.amount, 0);

/** Follows a short link as a visitor would: the 302's click id. */
export async function clickOn(t: TestApp, code: string): Promise<string> {
  const res = await visit(t, `/${code}`);
  expect(res.status).toBe(302);
  return clickIdOf(res)!;
}

/** POST /v1/track/lead with `body`, expected 200; its answer. */
export async function lead(t: TestApp, body: Record<string, unknown>) {
  const r = await t.json('POST', '/v1/track/lead', body);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}
