import { z } from 'zod';
import { currencySchema, shortText } from '../lib/schemas';

const hostEntry = z.string().trim().min(1).max(253);

const attributionModel = z.enum(['last_click', 'first_click']);
const windowDays = z.number().int().min(1).max(3650);

const attribution = z.strictObject({
  model: attributionModel.default('last_click'),
  windowDays: windowDays.default(30),
});

// No defaults here: zod applies `.default()` even under `.partial()`, which made a PATCH of
// only windowDays reset the model to last_click.
const attributionPatch = z.strictObject({
  model: attributionModel.optional(),
  windowDays: windowDays.optional(),
});

// No max length: checkDestination refuses over 2048 characters with reason too_long (see links/schemas.ts).
const defaultUrl = z.string().min(1);

// Checked and normalised by normalizeCookieDomain (422 invalid_cookie_domain); null clears it.
const cookieDomain = z.string().trim().min(1).max(253).nullable();

export const createProgramSchema = z.strictObject({
  name: shortText(200),
  currency: currencySchema,
  defaultUrl,
  allowedHosts: z.array(hostEntry).min(1).max(100),
  attribution: attribution.optional(),
  holdDays: z.number().int().min(0).max(3650).default(30),
  clickIdParam: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,31}$/, 'must be a simple query parameter name')
    .default('rcid'),
  dedupWindowSeconds: z.number().int().min(0).max(30 * 86400).default(3600),
  leaderboardEnabled: z.boolean().default(false),
  cookieDomain: cookieDomain.default(null),
});

export const updateProgramSchema = z.strictObject({
  name: shortText(200).optional(),
  defaultUrl: defaultUrl.optional(),
  allowedHosts: z.array(hostEntry).min(1).max(100).optional(),
  attribution: attributionPatch.optional(),
  holdDays: z.number().int().min(0).max(3650).optional(),
  clickIdParam: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,31}$/, 'must be a simple query parameter name')
    .optional(),
  dedupWindowSeconds: z.number().int().min(0).max(30 * 86400).optional(),
  leaderboardEnabled: z.boolean().optional(),
  cookieDomain: cookieDomain.optional(),
});

export type CreateProgramInput = z.infer<typeof createProgramSchema>;
export type UpdateProgramInput = z.infer<typeof updateProgramSchema>;
