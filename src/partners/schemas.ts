import { z } from 'zod';
import { shortText } from '../lib/schemas';
import { codeSchema } from '../links/schemas';

// Trimmed and lower-cased before it is checked: one partner per email and program, in any case.
const email = z.string().trim().toLowerCase().pipe(z.email().max(320));

export const createPartnerSchema = z.strictObject({
  name: shortText(200),
  email,
  externalId: z.string().trim().min(1).max(200).optional(),
  code: codeSchema.optional(),
});

export const updatePartnerSchema = z.strictObject({
  name: shortText(200).optional(),
  email: email.optional(),
  status: z.enum(['active', 'suspended']).optional(),
});

export type CreatePartnerInput = z.infer<typeof createPartnerSchema>;
export type UpdatePartnerInput = z.infer<typeof updatePartnerSchema>;
