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

/**
 * The program's payouts against their statements: a pending or paid payout is the sum of its
 * entries (read in pages of 3, so page boundaries are part of every check), all of them its
 * partner's, in its unit and status; a canceled one holds none and carries no payment; no entry is
 * in two payouts or none that lists it, and no paid entry is outside a payout. Returns what each
 * partner was paid.
 */
export async function checkPayouts(t: TestApp, programId: string, entries: readonly Entry[]): Promise<Map<string, number>> {
  const listed = await ok(t, 'GET', `/v1/programs/${programId}/payouts?limit=200`);
  check(listed.nextCursor === null, 'more than 200 payouts: read them all');
  let claimed = 0;
  const paidByPartner = new Map<string, number>();
  for (const p of listed.data as any[]) {
    const detail = await wholeStatement(t, p.id, 3);
    const e: any[] = detail.entries;
    check(detail.status === p.status, () => `payout ${p.id}: list ${p.status}, statement ${detail.status}`);
    if (p.status === 'canceled') {
      check(e.length === 0, () => `canceled payout ${p.id} still holds ${e.length} entries`);
      check(p.paidAt === null && p.reference === null, () => `canceled payout ${p.id} carries a payment`);
      continue;
    }
    check(detail.amount === sum(e), () => `payout ${p.id} amount ${detail.amount} ≠ sum of entries ${sum(e)} (${JSON.stringify(e.map((x) => x.amount))})`);
    check(detail.entryCount === e.length, () => `payout ${p.id} entryCount ${detail.entryCount} ≠ ${e.length} entries`);
    check(detail.amount >= 1, () => `payout ${p.id} of ${detail.amount}`);
    check(
      e.every((x) => x.payoutId === p.id && x.partnerId === p.partnerId && x.unit === p.unit && x.recipient === 'partner'),
      () => `payout ${p.id} holds a foreign entry`,
    );
    const want = p.status === 'paid' ? 'paid' : 'approved';
    check(e.every((x) => x.status === want), () => `payout ${p.id} (${p.status}) has entries ${JSON.stringify(e.map((x) => x.status))}`);
    claimed += e.length;
    if (p.status === 'paid') paidByPartner.set(p.partnerId, (paidByPartner.get(p.partnerId) ?? 0) + detail.amount);
  }
  check(claimed === entries.filter((x) => x.payoutId !== null).length, 'an entry is claimed by no live payout, or by two');
  check(entries.every((x) => x.status !== 'paid' || x.payoutId !== null), 'a paid entry outside any payout');
  return paidByPartner;
}

/**
 * Every partner's balance rebuilt from the commissions list (partner-recipient entries only;
 * reversed entries, an unpaid original closed with its reversals, leave every balance) equals the
 * stored one, and its paid balance is what its paid payouts paid, never below zero.
 */
export async function checkBalances(t: TestApp, programId: string, partners: readonly { id: string }[], paidByPartner: ReadonlyMap<string, number>) {
  for (const partner of partners) {
    const rows = await allEntries(t, programId, { partnerId: partner.id });
    const rebuilt: Balance = { pending: 0, approved: 0, paid: 0 };
    for (const r of rows) if (r.recipient === 'partner' && r.status !== 'reversed') rebuilt[r.status] += r.amount;
    const balance = await balanceOf(t, partner.id);
    check(JSON.stringify(balance) === JSON.stringify(rebuilt), () => `balance ${JSON.stringify(balance)} ≠ rebuilt ${JSON.stringify(rebuilt)} for ${partner.id}`);
    const paidOut = paidByPartner.get(partner.id) ?? 0;
    check(balance.paid === paidOut && balance.paid >= 0, () => `paid balance ${balance.paid} ≠ paid payouts ${paidOut} for ${partner.id}`);
  }
}
