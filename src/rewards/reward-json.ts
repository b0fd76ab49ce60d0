import type { RewardRow } from '../db/queries/conversions';
import { toRule } from './to-rule';

/** The API shape of a reward rule: the engine's rule plus its program and ISO timestamps. */
export function rewardJson(r: RewardRow) {
  const { startsAt, endsAt, ...rule } = toRule(r);
  return {
    ...rule,
    programId: r.programId,
    tiers: rule.tiers ?? null,
    conditions: rule.conditions ?? null,
    caps: rule.caps ?? null,
    windowDays: rule.windowDays ?? null,
    holdDays: rule.holdDays ?? null,
    startsAt: startsAt?.toISOString() ?? null,
    endsAt: endsAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
