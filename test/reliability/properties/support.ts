import { makeApp, seedProgram, type TestApp } from '../../helpers/app';

// Helpers for the HTTP property tests. They throw plain errors (not expect) so that a failure
// inside fc.asyncProperty is reported with its counterexample and seed.

export const DAY = 86_400_000;

export interface Entry {
  id: string;
  kind: 'commission' | 'reversal' | 'adjustment';
  recipient: 'partner' | 'customer';
  partnerId: string | null;
  customerId: string | null;
  rewardId: string | null;
  eventId: string;
  reversesId: string | null;
  amount: number;
  unit: string;
  status: 'pending' | 'approved' | 'paid' | 'reversed';
  payoutId: string | null;
}

export interface Balance {
  pending: number;
  approved: number;
  paid: number;
}

export function check(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new Error(typeof message === 'string' ? message : message());
}

/** A request that must answer `status`; returns the body. */
export async function ok<T = any>(t: TestApp, method: string, path: string, body?: unknown, status = 200): Promise<T> {
  const r = await t.json<T>(method, path, body);
  check(r.status === status, () => `${method} ${path} ${JSON.stringify(body)} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** A fresh app with one program and `partners` partners (Jane first). */
export async function freshProgram(opts: { now: Date; holdDays: number; partners?: number }) {
  const t = await makeApp({ now: opts.now });
  const { program, partner } = await seedProgram(t, { holdDays: opts.holdDays });
  const partners = [partner];
  for (let i = 1; i < (opts.partners ?? 1); i++) {
    partners.push(await ok(t, 'POST', `/v1/programs/${program.id}/partners`, { name: `Partner ${i}`, email: `p${i}@partner.test` }, 201));
  }
  return { t, program, partners };
}

export async function addReward(t: TestApp, programId: string, rule: Record<string, unknown>) {
  return ok(t, 'POST', `/v1/programs/${programId}/rewards`, rule, 201);
}

/** Every ledger entry of a program, following cursors. */
export async function allEntries(t: TestApp, programId: string, q: Record<string, string> = {}): Promise<Entry[]> {
  const out: Entry[] = [];
  let cursor: string | null = null;
  do {
    const qs = new URLSearchParams({ limit: '200', ...q, ...(cursor ? { cursor } : {}) });
    const body: { data: Entry[]; nextCursor: string | null } = await ok(t, 'GET', `/v1/programs/${programId}/commissions?${qs}`);
    out.push(...body.data);
    cursor = body.nextCursor;
  } while (cursor);
  return out;
}

/**
 * A payout's whole statement (GET /v1/payouts/:id is paged, 50 entries by default): every page
 * followed by nextCursor, each page's header checked equal to the first's; the header with all entries.
 */
export async function wholeStatement(t: TestApp, payoutId: string, limit = 200): Promise<any> {
  const entries: any[] = [];
  let first: any = null;
  let cursor: string | null = null;
  do {
    const qs = new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) });
    const { entries: shown, nextCursor, ...header }: any = await ok(t, 'GET', `/v1/payouts/${payoutId}?${qs}`);
    first ??= header;
    check(JSON.stringify(header) === JSON.stringify(first), () => `payout ${payoutId}: page header ${JSON.stringify(header)} ≠ first ${JSON.stringify(first)}`);
    check(shown.length === limit || nextCursor === null, () => `payout ${payoutId}: a short page (${shown.length} of ${limit}) with a nextCursor`);
    entries.push(...shown);
    cursor = nextCursor;
  } while (cursor);
  check(new Set(entries.map((e) => e.id)).size === entries.length, () => `payout ${payoutId}: an entry on two pages`);
  return { ...first, entries };
}

export async function allEvents(t: TestApp, programId: string): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const qs = new URLSearchParams({ programId, limit: '200', ...(cursor ? { cursor } : {}) });
    const body: { data: any[]; nextCursor: string | null } = await ok(t, 'GET', `/v1/events?${qs}`);
    out.push(...body.data);
    cursor = body.nextCursor;
  } while (cursor);
  return out;
}

export async function balanceOf(t: TestApp, partnerId: string, unit = 'EUR'): Promise<Balance> {
  const body = await ok(t, 'GET', `/v1/partners/${partnerId}/balance`);
  const b = (body.balances as any[]).find((x) => x.unit === unit);
  return { pending: b?.pending ?? 0, approved: b?.approved ?? 0, paid: b?.paid ?? 0 };
}

export const sum = (rows: readonly { amount: number }[]) => rows.reduce((s, r) => s + r.amount, 0);

/** Sorted, so two multisets compare with toEqual. */
export const multiset = (items: readonly string[]) => [...items].sort();
