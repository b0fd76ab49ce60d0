import { z } from 'zod';
import { listQuery, minorAmount, normalizeUnit, unitAsSent } from '../lib/schemas';

/** A payout statement (admin and partner API): entries page like any list; `format=csv` is the whole statement. */
export const payoutStatementQuery = listQuery.extend({
  format: z.enum(['json', 'csv']).default('json'),
});

// Units as reward rules and adjustments spell them (lib/schemas.ts): {"eur":100} is EUR's minimum;
// {"eur":100,"EUR":200} names one unit twice, which would silently keep the last.
const perUnitMinimum = z
  .record(unitAsSent(), minorAmount)
  .refine((m) => Object.keys(m).length <= 50, 'names at most 50 units')
  .refine((m) => new Set(Object.keys(m).map(normalizeUnit)).size === Object.keys(m).length, 'names a unit twice (currency codes are read in any case)')
  .transform((m) => Object.fromEntries(Object.entries(m).map(([unit, amount]) => [normalizeUnit(unit), amount])));

/**
 * POST /v1/programs/:id/payouts — `minAmount` one minimum for every unit (default 1), or one per unit
 * (`{"EUR":5000,"points":100}`, at most 50; a unit not named needs 1); `partnerId` builds for one
 * partner only.
 */
export const createPayoutsSchema = z.strictObject({
  minAmount: z
    .union([minorAmount, perUnitMinimum], {
      error: 'must be an integer in minor units (0 to 10^12), or one per unit such as {"EUR":5000,"points":100} (at most 50 units, each once; currency codes in any case)',
    })
    .default(1),
  partnerId: z.string().min(1).max(64).optional(),
});

/** POST /v1/payouts/:id/cancel — the reason is kept on the payout and shown with it (also to the partner). */
export const cancelPayoutSchema = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });

export const markPaidSchema = z.strictObject({ reference: z.string().trim().min(1).max(200) });

/** GET /v1/programs/:id/payouts — newest first, optionally one partner's and/or one status. */
export const payoutListQuery = listQuery.extend({
  partnerId: z.string().min(1).max(64).optional(),
  status: z.enum(['pending', 'paid', 'canceled']).optional(),
});
