import type { RewardRow } from '../db/queries/conversions';
import type { RewardRule } from './engine';

export function toRule(r: RewardRow): RewardRule {
  return {
    id: r.id,
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
    startsAt: r.startsAt,
    endsAt: r.endsAt,
    active: r.active,
  };
}
