import type { Db } from '../db/client';
import type { RewardRow } from '../db/queries/conversions';
import type { ProgramRow } from '../db/queries/programs';
import { countActiveRewards, findReward, insertReward, updateReward } from '../db/queries/rewards';
import { ConflictError, NotFoundError } from '../lib/errors';
import { newId } from '../lib/ids';
import type { CreateRewardInput, UpdateRewardInput } from './schemas';
import { checkRule } from './check-rule';

/**
 * Active rules per program. A conversion writes its event, up to 3 counters per matching rule and
 * its commissions (5 a statement) in one batch, and a full refund closes each commission with 3
 * statements: 150 rules keep either under ~500 statements of at most 100 bound parameters each,
 * inside D1's 1,000 queries per Worker invocation (Workers Paid) even if each statement counts.
 */
export const MAX_ACTIVE_REWARDS = 150;

function tooManyActive() {
  return new ConflictError(
    `a program has at most ${MAX_ACTIVE_REWARDS} active reward rules; set one inactive (PATCH {"active":false}) first`,
    'too_many_active_rules',
  );
}

export async function createReward({ db, now, program, input }: { db: Db; now: Date; program: ProgramRow; input: CreateRewardInput }) {
  const row: RewardRow = {
    id: newId('rwd'),
    programId: program.id,
    event: input.event,
    recipient: input.recipient,
    type: input.type,
    amount: input.amount ?? 0,
    unit: input.unit ?? program.currency,
    tiers: input.tiers ?? null,
    tierPeriod: input.tierPeriod,
    conditions: input.conditions ?? null,
    caps: input.caps ?? null,
    windowDays: input.windowDays ?? null,
    holdDays: input.holdDays ?? null,
    startsAt: input.startsAt ?? null,
    endsAt: input.endsAt ?? null,
    active: input.active,
    createdAt: now,
    updatedAt: now,
  };
  checkRule(row, program, row);
  if (!(await insertReward(db, row, MAX_ACTIVE_REWARDS))) throw tooManyActive();
  return row;
}

/**
 * What a rule's counters (tier counts, capped totals, per-customer counts) are counted in: once it
 * has counted a conversion, changing one of these would carry that history into another rule, or
 * restart it — tier counts and capped totals are kept per period (lifetime, y2026, m2026-03), so
 * a new tierPeriod or cap period (a cap added or removed included) would count from zero again.
 */
function countedInChanges(current: RewardRow, patch: Partial<RewardRow>): string[] {
  const changed = (['event', 'recipient', 'unit', 'tierPeriod'] as const).filter((k) => patch[k] !== undefined && patch[k] !== current[k]);
  const capPeriod = (caps: RewardRow['caps'] | undefined) => caps?.perPartner?.period ?? null;
  if (patch.caps !== undefined && capPeriod(patch.caps) !== capPeriod(current.caps)) return [...changed, 'caps.perPartner.period'];
  return changed;
}

/**
 * Changes apply to conversions recorded from now on; commissions already booked never change.
 * Tiers sent without an amount set the stored amount to 0 (a rule's tiers replace it).
 * Event, recipient, unit, tier period and partner cap period are fixed once the rule has counted
 * a conversion (409 reward_in_use).
 */
export async function patchReward({ db, now, program, id, input }: { db: Db; now: Date; program: ProgramRow; id: string; input: UpdateRewardInput }) {
  const current = await findReward(db, program.id, id);
  if (!current) throw new NotFoundError('Reward');
  const patch: Partial<RewardRow> = { updatedAt: now };
  for (const [k, v] of Object.entries(input)) if (v !== undefined) (patch as Record<string, unknown>)[k] = v;
  // New tiers replace the amount: one kept beside them would read as a second, unused rate.
  if (patch.tiers && patch.tiers.length > 0 && patch.amount === undefined && current.amount !== 0) patch.amount = 0;
  // Switching a rule off is always allowed, even one stored before a check it would now fail.
  const onlySwitchesOff = patch.active === false && Object.keys(patch).every((k) => k === 'active' || k === 'updatedAt');
  if (!onlySwitchesOff) checkRule({ ...current, ...patch }, program, patch);
  const moved = countedInChanges(current, patch);
  // Guarded whenever the patch sets it active, even if it was read active: it may be switched off
  // (and its place taken) before this update runs.
  const turnsOn = patch.active === true;
  const row = await updateReward(db, program.id, id, patch, {
    unlessCounted: moved.length > 0,
    maxActive: turnsOn ? MAX_ACTIVE_REWARDS : undefined,
  });
  if (row) return row;
  const latest = await findReward(db, program.id, id);
  if (!latest) throw new NotFoundError('Reward');
  // Not updated: one of the two conditions held (when both could, ask which).
  if (turnsOn && !latest.active && (moved.length === 0 || (await countActiveRewards(db, program.id, id)) >= MAX_ACTIVE_REWARDS)) throw tooManyActive();
  throw new ConflictError(
    `${moved.join(', ')} cannot change once the rule has counted conversions (its tiers, caps and per-customer limits would carry over); add a new rule and set this one inactive`,
    'reward_in_use',
  );
}
