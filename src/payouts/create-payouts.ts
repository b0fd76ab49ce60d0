import type { Db } from '../db/client';
import type { PayoutRow } from '../db/queries/payouts';
import { buildPayoutsAtomically, knownUnits, payableGroups, type BuildScope, type PayoutDraft } from '../db/queries/payout-builds';
import { chunk } from '../lib/chunk';
import { ValidationError } from '../lib/errors';
import { newId } from '../lib/ids';
import { exactAmount } from '../lib/money';

/**
 * Why approved, unpaid money of a partner and unit stayed out of a build (it carries over):
 * `negative_balance` when reversals and adjustments exceed what was earned since the last payout
 * (the partner owes it back; later commissions net it out).
 */
export type SkipReason = 'partner_suspended' | 'negative_balance' | 'below_minimum' | 'arrived_during_build';

export interface SkippedGroup {
  partnerId: string;
  unit: string;
  amount: number;
  reason: SkipReason;
}

/**
 * The least a payout pays: one amount for every unit, or one per unit (`{"EUR":5000,"points":100}`;
 * a unit not named needs 1). Any minimum below 1 is 1: a payout never pays 0 or less.
 */
export type MinAmount = number | Readonly<Record<string, number>>;

// Own keys only: a unit named like an Object.prototype member (constructor, toString) is a unit too.
export const minimumFor = (minAmount: MinAmount, unit: string) =>
  Math.max(1, typeof minAmount === 'number' ? minAmount : Object.hasOwn(minAmount, unit) ? minAmount[unit]! : 1);

// Drafts per batch: each batch is one transaction of four statements whatever its size; this
// keeps one JSON parameter and one transaction's work modest on D1.
const DRAFTS_PER_BATCH = 500;

/**
 * One payout per active partner and unit over all approved, unpaid partner entries (negative
 * adjustments included) whose sum reaches the unit's minimum (`minimumFor`), for the whole program
 * or one partner (`scope.partnerId`, checked by the caller). A suspended partner is not paid: its
 * entries stay approved and unclaimed until a build after it is reactivated. Whatever stays out is
 * returned as `skipped` with its amount and reason, as of the build's last write. A per-unit
 * minimum for a unit the program does not know is 422 `unknown_unit` before any write.
 * Round trips: one read (one more batch with per-unit minimums), then one batch per 500 payouts.
 */
export async function createPayouts({ db, now, scope, currency, minAmount }: { db: Db; now: Date; scope: BuildScope; currency: string; minAmount: MinAmount }) {
  if (typeof minAmount !== 'number') await throwIfUnknownUnits(db, scope.programId, currency, Object.keys(minAmount));
  let remaining = await payableGroups(db, scope);
  // Before any write: a sum the API cannot give exactly refuses the whole build (409), never a rounded payout.
  for (const g of remaining) exactAmount(Number(g.total), `approved, unpaid ${g.unit} of partner ${g.partnerId}`);
  // Suspended partners are drafted too: the batch decides on the status as it is then, so a
  // partner reactivated while the build ran is paid and one suspended meanwhile is not.
  const drafts: PayoutDraft[] = remaining
    .filter((g) => g.partnerId !== null && Number(g.total) >= minimumFor(minAmount, g.unit))
    .map((g) => ({ id: newId('pay'), partnerId: g.partnerId!, unit: g.unit, minAmount: minimumFor(minAmount, g.unit) }));
  const created: PayoutRow[] = [];
  for (const run of chunk(drafts, DRAFTS_PER_BATCH)) {
    const built = await buildPayoutsAtomically(db, { scope, now, drafts: run });
    created.push(...built.created);
    remaining = built.remaining;
  }
  const skipped: SkippedGroup[] = remaining.flatMap((g) => {
    if (g.partnerId === null) return [];
    const amount = exactAmount(Number(g.total), `approved, unpaid ${g.unit} of partner ${g.partnerId}`);
    return [{ partnerId: g.partnerId, unit: g.unit, amount, reason: skipReason(g.partnerStatus, amount, minimumFor(minAmount, g.unit)) }];
  });
  return { created, skipped };
}

/** 422 on the first per-unit minimum whose unit the program has never used (`minAmount.<unit>`). */
async function throwIfUnknownUnits(db: Db, programId: string, currency: string, units: string[]) {
  const asked = units.filter((u) => u !== currency);
  const known = await knownUnits(db, programId, asked);
  const unknown = asked.find((u) => !known.has(u));
  if (unknown !== undefined) {
    throw new ValidationError(`minAmount.${unknown}`, 'is not a unit of this program (its currency, a reward rule\'s unit or a ledger entry\'s)', 'unknown_unit');
  }
}

/**
 * Why a group still payable after the build's batch was not paid. Its amount is as of that batch:
 * one at or above the minimum for an active partner was approved after the build's read.
 */
export function skipReason(partnerStatus: string | null, amount: number, threshold: number): SkipReason {
  if (partnerStatus !== 'active') return 'partner_suspended';
  if (amount < 0) return 'negative_balance';
  if (amount < threshold) return 'below_minimum';
  return 'arrived_during_build';
}
