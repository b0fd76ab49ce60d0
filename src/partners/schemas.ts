import { z } from 'zod';
import { listQuery, shortText } from '../lib/schemas';
import { codeSchema } from '../links/schemas';

// Trimmed and lower-cased before it is checked: one partner per email and program, in any case.
const email = z.string().trim().toLowerCase().pipe(z.email().max(320));

const partnerStatus = z.enum(['active', 'suspended']);

export const createPartnerSchema = z.strictObject({
  name: shortText(200),
  email,
  externalId: z.string().trim().min(1).max(200).optional(),
  code: codeSchema.optional(),
});

// Checked together by checkPayoutDetails (422 with a reason); both null clears them.
const payoutText = z.string().nullable().optional();

export const updatePartnerSchema = z.strictObject({
  name: shortText(200).optional(),
  email: email.optional(),
  status: partnerStatus.optional(),
  payoutMethod: payoutText,
  payoutDetails: payoutText,
});

// GET /v1/programs/:programId/partners. The email filter is normalised as stored (an exact match in
// any case, surrounding spaces ignored); an empty filter is a mistake (422), not every partner.
export const partnerListQuery = listQuery.extend({
  email: z.string().trim().toLowerCase().min(1).max(320).optional(),
  status: partnerStatus.optional(),
});

export type CreatePartnerInput = z.infer<typeof createPartnerSchema>;
export type UpdatePartnerInput = z.infer<typeof updatePartnerSchema>;
