import type { AppDeps } from '../env';
import { insertCommissionsStatements, type CommissionRow } from '../db/queries/conversions';
import { executeBatch } from '../db/statements';
import { NotFoundError } from '../lib/errors';
import { newSortableId } from '../lib/ids';
import { findPartner } from '../db/queries/partners';
import { findProgram } from '../db/queries/programs';

export interface AdjustmentInput {
  /** Signed minor units, never 0: a bonus (> 0) or a clawback (< 0). */
  amount: number;
  unit?: string;
  reason: string;
  status: 'pending' | 'approved';
}

/** The rule id a manual adjustment carries (commissions.reward_id is NOT NULL; no rule made it). */
export const MANUAL_REWARD_ID = 'manual';
const DAY_MS = 86_400_000;

/**
 * Appends a manual `adjustment` for a partner: a bonus or a clawback in any unit (default the
 * program currency). `approved` (default) is due at the next payout build; `pending` waits the
 * program's holdDays for the approval job like a commission. It has no event: its `eventId` is its
 * own id, so reports (which count entries on their event's day) leave it out, while balances, the
 * ledger, statements and payouts include it. One insert: nothing else moves.
 */
export async function addAdjustment(deps: AppDeps, partnerId: string, input: AdjustmentInput): Promise<CommissionRow> {
  const { db } = deps;
  const partner = await findPartner(db, partnerId);
  if (!partner) throw new NotFoundError('Partner');
  const program = await findProgram(db, partner.programId);
  if (!program) throw new NotFoundError('Program');
  const now = deps.clock();
  const id = newSortableId('com');
  const pending = input.status === 'pending';
  const entry: CommissionRow = {
    id,
    programId: program.id,
    kind: 'adjustment',
    recipient: 'partner',
    partnerId: partner.id,
    customerId: null,
    rewardId: MANUAL_REWARD_ID,
    eventId: id,
    reversesId: null,
    amount: input.amount,
    unit: input.unit ?? program.currency,
    status: input.status,
    holdUntil: pending ? new Date(now.getTime() + program.holdDays * DAY_MS) : now,
    explanation: `manual ${input.amount > 0 ? 'bonus' : 'clawback'}: ${input.reason}`,
    payoutId: null,
    createdAt: now,
    approvedAt: pending ? null : now,
    paidAt: null,
  };
  await executeBatch(db, insertCommissionsStatements(db, [entry]));
  return entry;
}
