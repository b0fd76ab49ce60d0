import { z } from 'zod';
import { listQuery, minorAmount } from '../lib/schemas';
import { isCurrency } from '../lib/money';

/** A payout statement (admin and partner API): entries page like any list; `format=csv` is the whole statement. */
export const payoutStatementQuery = listQuery.extend({
  format: z.enum(['json', 'csv']).default('json'),
});

// A unit as reward rules and adjustments spell it (ledger/schemas.ts): a currency code in upper case or a name.
const unitKey = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,15}$/, 'must be a currency code or a unit name such as MB or points')
  .refine((u) => u === u.toUpperCase() || !isCurrency(u.toUpperCase()), { message: 'write currency codes in upper case (e.g. EUR)' });

/**
 * POST /v1/programs/:id/payouts — `minAmount` one minimum for every unit (default 1), or one per unit
 * (`{"EUR":5000,"points":100}`, at most 50; a unit not named needs 1); `partnerId` builds for one
 * partner only.
 */
export const createPayoutsSchema = z.strictObject({
  minAmount: z
    .union([minorAmount, z.record(unitKey, minorAmount).refine((m) => Object.keys(m).length <= 50, 'names at most 50 units')], {
      error: 'must be an integer in minor units (0 to 10^12), or one per unit such as {"EUR":5000,"points":100} (at most 50 units, currency codes in upper case)',
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
