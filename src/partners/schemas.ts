import { z } from 'zod';
import { shortText } from '../lib/schemas';
import { codeSchema } from '../links/schemas';

export const createPartnerSchema = z.strictObject({
  name: shortText(200),
  email: z.email().max(320),
  externalId: z.string().trim().min(1).max(200).optional(),
  code: codeSchema.optional(),
});

export const updatePartnerSchema = z.strictObject({
  name: shortText(200).optional(),
  email: z.email().max(320).optional(),
  status: z.enum(['active', 'suspended']).optional(),
});

export type CreatePartnerInput = z.infer<typeof createPartnerSchema>;
