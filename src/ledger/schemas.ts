import { z } from 'zod';
import { isCurrency, MAX_AMOUNT } from '../lib/money';
import { shortText } from '../lib/schemas';

/** POST /v1/commissions/:id/void — the reason shows in the void entry's explanation. */
export const voidSchema = z.strictObject({ reason: shortText(200).optional() });

// A unit as reward rules spell it: a currency code (upper case) or a name such as points or MB.
const unit = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,15}$/, 'must be a currency code or a unit name such as MB or points')
  .refine((u) => u === u.toUpperCase() || !isCurrency(u.toUpperCase()), { message: 'write currency codes in upper case (e.g. EUR)' });

/** POST /v1/partners/:id/adjustments — a signed, non-zero amount in minor units. */
export const adjustmentSchema = z.strictObject({
  amount: z
    .number()
    .int('must be an integer in minor units')
    .min(-MAX_AMOUNT)
    .max(MAX_AMOUNT)
    .refine((n) => n !== 0, 'must not be 0 (a bonus is positive, a clawback negative)'),
  unit: unit.optional(),
  reason: shortText(200),
  status: z.enum(['pending', 'approved']).default('approved'),
});
