import type { RewardRow } from '../db/queries/conversions';

export function rewardJson(r: RewardRow) {
  return {
    id: r.id,
    programId: r.programId,
    event: r.event,
    recipient: r.recipient,
    type: r.type,
    amount: r.amount,
    unit: r.unit,
    tiers: r.tiers,
    tierPeriod: r.tierPeriod,
    conditions: r.conditions,
    caps: r.caps,
    windowDays: r.windowDays,
    holdDays: r.holdDays,
    startsAt: r.startsAt?.toISOString() ?? null,
    endsAt: r.endsAt?.toISOString() ?? null,
    active: r.active,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
