import { z } from 'zod';
import { listQuery } from '../lib/schemas';

export const myCommissionsQuery = listQuery.extend({
  status: z.enum(['pending', 'approved', 'paid', 'reversed']).optional(),
});

/** PUT /v1/me/payout-details — both required; checked and normalised by checkPayoutDetails (422 with a reason). */
export const payoutDetailsSchema = z.strictObject({
  method: z.string(),
  details: z.string(),
});
