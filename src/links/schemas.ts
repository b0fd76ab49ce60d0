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

export const createLinkSchema = z.strictObject({
  url: z.string().min(1).max(2048).optional(),
  code: codeSchema.optional(),
  campaign: z.string().trim().min(1).max(100).optional(),
  utm: utmSchema.optional(),
});

export const updateLinkSchema = z.strictObject({
  url: z.string().min(1).max(2048).optional(),
  campaign: z.string().trim().min(1).max(100).nullable().optional(),
  utm: utmSchema.nullable().optional(),
  archived: z.boolean().optional(),
});

export type CreateLinkInput = z.infer<typeof createLinkSchema>;
export type UpdateLinkInput = z.infer<typeof updateLinkSchema>;
