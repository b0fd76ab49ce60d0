import { z } from 'zod';

const utmValue = z.string().trim().min(1).max(200);

export const utmSchema = z.strictObject({
  source: utmValue.optional(),
  medium: utmValue.optional(),
  campaign: utmValue.optional(),
  term: utmValue.optional(),
  content: utmValue.optional(),
});

export const codeSchema = z.string().min(1).max(50);

// No max length here: the destination check refuses a URL over 2048 characters (typed or once
// normalised) with reason too_long; a schema max would answer first, without the reason.
const destinationUrl = z.string().min(1);

export const createLinkSchema = z.strictObject({
  url: destinationUrl.optional(),
  code: codeSchema.optional(),
  campaign: z.string().trim().min(1).max(100).optional(),
  utm: utmSchema.optional(),
});

export const updateLinkSchema = z.strictObject({
  url: destinationUrl.optional(),
  campaign: z.string().trim().min(1).max(100).nullable().optional(),
  utm: utmSchema.nullable().optional(),
  archived: z.boolean().optional(),
});

export type CreateLinkInput = z.infer<typeof createLinkSchema>;
export type UpdateLinkInput = z.infer<typeof updateLinkSchema>;
