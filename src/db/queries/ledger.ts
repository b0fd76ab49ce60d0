import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import { rowsAffected, type Db } from '../client';
import { commissions, events } from '../schema';
import { exactAmount } from '../../lib/money';
import { exactSum } from './exact-sum';
import { cursorWhere, newestFirst } from '../../lib/pagination';
import type { CommissionRow } from './conversions';

// The ledger's reads and the approval job. A refund's reads and statements are in refunds.ts, a
// payout's in payouts.ts (re-exported here, so imports written against this file still resolve).
export { closeReversedStatements, commissionsOfSale, originalsUnchangedStatements } from './refunds';
export { findPayout, listPayouts, markPayoutPaid, type PayoutRow } from './payouts';

/**
 * About how many rows one approve statement updates. On Node every statement runs synchronously
 * on the request thread's one connection: the single UPDATE this once was blocked every request
 * for its whole run (bench, 10M clicks: ~167k entries due at start-up, a report call took 4.1 s
 * instead of ~15 ms). Each chunk is its own write (group commit queue), and the event loop turns
 * between them, so requests interleave.
 */
export const APPROVE_CHUNK = 500;

/**
 * Pending entries whose hold has passed become approved. Returns how many moved, from the engine's
 * change count: a backlog of any size is never read back as rows. It goes in chunks of whole
 * hold instants: each statement approves every pending entry with `hold_until <= bound`, the bound
 * being the hold of the APPROVE_CHUNK-th due entry (or `now` for the last one). A partial reversal
 * shares its original's hold, so the two are always approved by the same statement (a chunk is
 * larger than APPROVE_CHUNK only when more entries than that share one instant).
 */
export async function approveDue(db: Db, now: Date, chunk = APPROVE_CHUNK): Promise<number> {
  const due = and(eq(commissions.status, 'pending'), lte(commissions.holdUntil, now));
  let approved = 0;
  for (;;) {
    const [edge] = await db
      .select({ holdUntil: commissions.holdUntil })
      .from(commissions)
      .where(due)
      .orderBy(commissions.holdUntil)
      .limit(1)
      .offset(chunk - 1);
    const bound = edge ? edge.holdUntil : now;
    const result = await db
      .update(commissions)
      .set({ status: 'approved', approvedAt: now })
      .where(and(eq(commissions.status, 'pending'), lte(commissions.holdUntil, bound)));
    approved += rowsAffected(result);
    if (!edge) return approved;
  }
}

/**
 * A page of the ledger, newest first (limit + 1 rows). By customer it starts from the customer's
 * events (events_customer_idx) and their entries (commissions_event_reward_uq), as the customer
 * detail's credits do: the ledger has no customer index. Every entry carrying a customer is booked
 * on one of its events (a commission on the event, a reversal on its refund, a void on the
 * original's event); the `+` keep the planner from walking the program's (or a status's) entries.
 */
export async function listCommissions(
  db: Db,
  f: {
    programId?: string;
    partnerId?: string;
    customer?: { id: string; programId: string; externalId: string };
    status?: CommissionRow['status'];
    limit: number;
    cursor?: string;
  },
) {
  const c = f.customer;
  return db
    .select()
    .from(commissions)
    .where(
      and(
        f.programId ? (c ? sql`+${commissions.programId} = ${f.programId}` : eq(commissions.programId, f.programId)) : undefined,
        c
          ? inArray(
              commissions.eventId,
              db
                .select({ id: events.id })
                .from(events)
                .where(and(eq(events.programId, c.programId), eq(events.customerExternalId, c.externalId))),
            )
          : undefined,
        c ? eq(commissions.customerId, c.id) : undefined,
        f.partnerId ? (c ? sql`+${commissions.partnerId} = ${f.partnerId}` : eq(commissions.partnerId, f.partnerId)) : undefined,
        f.status ? (c ? sql`+${commissions.status} = ${f.status}` : eq(commissions.status, f.status)) : undefined,
        cursorWhere(f.cursor, commissions.createdAt, commissions.id),
      ),
    )
    .orderBy(...newestFirst(commissions.createdAt, commissions.id))
    .limit(f.limit + 1);
}

export async function listEvents(db: Db, f: { programId?: string; customerExternalId?: string; limit: number; cursor?: string }) {
  return db
    .select()
    .from(events)
    .where(
      and(
        f.programId ? eq(events.programId, f.programId) : undefined,
        f.customerExternalId ? eq(events.customerExternalId, f.customerExternalId) : undefined,
        cursorWhere(f.cursor, events.createdAt, events.id),
      ),
    )
    .orderBy(...newestFirst(events.createdAt, events.id))
    .limit(f.limit + 1);
}

/** Sums per unit and status of what a partner earned (partner-recipient entries only); 409 `sum_too_large` when one is not exact. */
export async function partnerBalance(db: Db, partnerId: string) {
  const rows = await db
    .select({ unit: commissions.unit, status: commissions.status, total: exactSum(commissions.amount) })
    .from(commissions)
    .where(and(eq(commissions.partnerId, partnerId), eq(commissions.recipient, 'partner')))
    .groupBy(commissions.unit, commissions.status);
  return rows.map((r) => ({ ...r, total: exactAmount(Number(r.total), `the partner's ${r.status} ${r.unit} balance`) }));
}
