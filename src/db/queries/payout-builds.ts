import { and, asc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { commissions, partners, payouts, rewards } from '../schema';
import { exactSum } from './exact-sum';
import { asBatchItem, enqueuePayoutsCreatedStatement } from './webhooks';

/** A payout the build means to create: its new id, the partner and unit it pays, and the least it pays (≥ 1). */
export interface PayoutDraft {
  id: string;
  partnerId: string;
  unit: string;
  minAmount: number;
}

/** Which payable entries a build looks at: a program's, or one partner's in it. */
export interface BuildScope {
  programId: string;
  partnerId?: string;
}

/**
 * Who has approved, unpaid entries in a program, per partner and unit, with their sum and the
 * partner's status. Awaited it is a read; unawaited it can also end a batch. A total beyond
 * Number.MAX_SAFE_INTEGER comes as an inexact number: callers check it (exactAmount).
 */
export function payableGroups(db: Db, scope: BuildScope) {
  return db
    .select({ partnerId: commissions.partnerId, unit: commissions.unit, total: exactSum(commissions.amount), partnerStatus: partners.status })
    .from(commissions)
    .leftJoin(partners, eq(partners.id, commissions.partnerId))
    .where(payableWhere(scope))
    .groupBy(commissions.partnerId, commissions.unit);
}

function payableWhere({ programId, partnerId }: BuildScope): SQL | undefined {
  return and(
    eq(commissions.programId, programId),
    eq(commissions.recipient, 'partner'),
    eq(commissions.status, 'approved'),
    partnerId === undefined ? undefined : eq(commissions.partnerId, partnerId),
    isNull(commissions.payoutId),
  );
}

/**
 * Which of `units` the program knows: its currency aside, a unit one of its reward rules pays (any,
 * active or not) or one of its ledger entries is in (a manual adjustment can bring its own). A
 * build's per-unit minimums are checked against it, so a typo (`point`, `EURO`) is refused, not
 * silently ignored. The ledger probe stops at the first entry of a known unit; an unknown one reads
 * the program's entries in commissions_program_status_idx (an error path, bounded by the program).
 */
export async function knownUnits(db: Db, programId: string, units: readonly string[]): Promise<Set<string>> {
  if (units.length === 0) return new Set();
  const [ruled, booked] = await db.batch([
    db.selectDistinct({ unit: rewards.unit }).from(rewards).where(and(eq(rewards.programId, programId), inArray(rewards.unit, [...units]))),
    db.selectDistinct({ unit: commissions.unit }).from(commissions).where(and(eq(commissions.programId, programId), inArray(commissions.unit, [...units]))),
  ]);
  return new Set([...ruled, ...booked].map((r) => r.unit));
}

/**
 * Builds the drafted payouts in one batch (one transaction, so all of them or none), whatever
 * their number: the drafts travel as one JSON parameter (D1 binds at most 100 a statement).
 * A draft becomes a payout only if, inside the batch, its partner is `active` and its partner+unit's
 * approved, unclaimed entries still sum to at least the draft's `minAmount` (and to an exact JS number: see
 * exactAmount; no payout's amount is ever stored beyond it); then every such entry is claimed
 * (only where `payout_id` is still null, so an entry is in at most one payout, ever), and amount
 * and count are those of what was really claimed (at least one entry: the sum reached `minAmount` ≥ 1
 * inside the same transaction). The same batch reads back the payouts it made
 * and what stays payable but unpaid (`remaining`), both as of its commit.
 */
export async function buildPayoutsAtomically(db: Db, b: { scope: BuildScope; now: Date; drafts: readonly PayoutDraft[] }) {
  const { programId } = b.scope;
  const drafts = JSON.stringify(b.drafts.map((d) => [d.id, d.partnerId, d.unit, d.minAmount]));
  const ofBuild = sql`(select value from json_each(${JSON.stringify(b.drafts.map((d) => d.id))}))`;
  const qualified = sql`
    select d.id, ${programId}, d.partner_id, d.unit, 0, 0, 'pending', null, ${b.now.getTime()}, null, null, null
    from (select json_extract(value, '$[0]') as id, json_extract(value, '$[1]') as partner_id, json_extract(value, '$[2]') as unit,
            json_extract(value, '$[3]') as min_amount from json_each(${drafts})) d
    where exists (select 1 from ${partners} pa where pa.id = d.partner_id and pa.program_id = ${programId} and pa.status = 'active')
      and (select coalesce(sum(c.amount), 0) from ${commissions} c
           where c.program_id = ${programId} and c.recipient = 'partner' and c.status = 'approved' and c.payout_id is null
             and c.partner_id = d.partner_id and c.unit = d.unit) between d.min_amount and ${Number.MAX_SAFE_INTEGER}`;
  // The payout of this build for the entry's partner and unit, if there is one: found through the
  // partner's own payouts (payouts_program_partner_idx), not by trying every id of the build.
  const payoutOf = sql`(select p.id from ${payouts} p
    where p.program_id = ${programId} and p.partner_id = "commissions"."partner_id" and p.created_at = ${b.now.getTime()}
      and p.unit = "commissions"."unit" and p.id in ${ofBuild})`;
  const claimedBy = (what: SQL) => sql`(select ${what} from ${commissions} c where c.payout_id = "payouts"."id")`;
  const [, , , created, remaining] = await db.batch([
    db.insert(payouts).select(qualified),
    db.update(commissions).set({ payoutId: payoutOf }).where(and(payableWhere(b.scope), sql`${payoutOf} is not null`)),
    db
      .update(payouts)
      .set({ amount: claimedBy(sql`coalesce(sum(c.amount), 0)`), entryCount: claimedBy(sql`count(*)`) })
      .where(sql`${payouts.id} in ${ofBuild}`),
    db.select().from(payouts).where(sql`${payouts.id} in ${ofBuild}`).orderBy(asc(payouts.partnerId), asc(payouts.unit)),
    payableGroups(db, b.scope),
    // payout.created for each payout this batch created, for the program's subscribed endpoints
    asBatchItem(db, enqueuePayoutsCreatedStatement(programId, JSON.stringify(b.drafts.map((d) => d.id)), b.now)),
  ]);
  return { created, remaining };
}
