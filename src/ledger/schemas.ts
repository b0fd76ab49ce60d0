import { z } from 'zod';
import { MAX_AMOUNT } from '../lib/money';
import { shortText, unitSchema } from '../lib/schemas';

/** POST /v1/commissions/:id/void — the reason shows in the void entry's explanation. */
export const voidSchema = z.strictObject({ reason: shortText(200).optional() });

// A unit as reward rules spell it: a currency code in any case ("eur" is EUR) or a name such as points or MB.
const unit = unitSchema;

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
