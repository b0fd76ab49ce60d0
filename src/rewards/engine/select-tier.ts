import type { Tier } from './types';

export interface SelectedTier {
  /** 1-based position of the tier */
  index: number;
  count: number;
  amount: number;
}

/**
 * The tier for the conversion with 1-based ordinal `ordinal` in the tier period.
 * `upTo` values are absolute cumulative counts: [{upTo:5},{…}] pays ordinals 1..5 from
 * the first tier, 6+ from the second. Past the last bounded tier, the last tier applies.
 * Returns null when the rule has no tiers.
 */
export function selectTier(
  tiers: readonly Tier[] | null | undefined,
  ordinal: number,
): SelectedTier | null {
  if (!tiers || tiers.length === 0) return null;
  const found = tiers.findIndex((tier) => tier.upTo == null || ordinal <= tier.upTo);
  const index = found === -1 ? tiers.length - 1 : found;
  const tier = tiers[index];
  if (!tier) return null;
  return { index: index + 1, count: tiers.length, amount: tier.amount };
}
