import { z } from 'zod';
import { currencySchema, isoDate, minorAmount } from '../lib/schemas';
import { normalizeEmail } from './normalize-email';

const externalId = z.string().trim().min(1).max(200);
const eventName = z
  .string()
  .regex(/^[a-z][a-z0-9_.:-]{0,63}$/, 'must be lower-case letters, digits, "_", ".", ":" or "-" (e.g. demo_requested)');
/** Nesting limit for metadata: deeper JSON overflowed the stack when hashed (canonicalJson) — a 500. */
const MAX_METADATA_DEPTH = 16;
/** True when `v` nests deeper than `limit` objects/arrays; recurses at most `limit` levels. */
function nestsDeeperThan(v: unknown, limit: number): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (limit === 0) return true;
  return Object.values(v).some((x) => nestsDeeperThan(x, limit - 1));
}
const metadata = z
  .record(z.string().max(100), z.unknown())
  .refine((m) => Object.keys(m).length <= 50, { message: 'at most 50 keys' })
  .refine((m) => !nestsDeeperThan(m, MAX_METADATA_DEPTH), { message: `nested at most ${MAX_METADATA_DEPTH} levels deep` })
  .optional();
const id = z.string().min(1).max(64);

export const trackLeadSchema = z.strictObject({
  clickId: id.optional(),
  // What a customer typed: surrounding spaces are not part of it (` JANE ` is JANE).
  code: z.string().trim().min(1).max(50).optional(),
  programId: id.optional(),
  customer: z.strictObject({
    externalId,
    // Stored trimmed, its domain lower-case (normalize-email.ts).
    email: z.string().trim().max(320).pipe(z.email()).transform(normalizeEmail).optional(),
    name: z.string().trim().min(1).max(200).optional(),
  }),
  // A lead named "sale" would be evaluated against the sale rules without a sale amount.
  eventName: eventName.refine((n) => n !== 'sale', { message: 'use /v1/track/sale for sales' }).default('lead'),
  occurredAt: isoDate.optional(),
  metadata,
});

export const trackSaleSchema = z.strictObject({
  programId: id,
  customerExternalId: externalId,
  externalId,
  amount: minorAmount,
  // Any case ("eur" is EUR: lib/schemas.ts); omitted, the program's currency (trackSale).
  currency: currencySchema.optional(),
  quantity: z.number().int().min(1).max(1_000_000).default(1),
  // A sale named "lead" would earn the per-referral lead rules once per order.
  eventName: eventName.refine((n) => n !== 'lead', { message: 'use /v1/track/lead for leads' }).default('sale'),
  occurredAt: isoDate.optional(),
  metadata,
});

export const trackEventSchema = z.strictObject({
  programId: id,
  customerExternalId: externalId,
  eventName: eventName.refine((n) => n !== 'lead' && n !== 'sale', { message: 'use /v1/track/lead or /v1/track/sale' }),
  externalId: externalId.optional(),
  quantity: z.number().int().min(1).max(1_000_000).default(1),
  occurredAt: isoDate.optional(),
  metadata,
});

export const trackRefundSchema = z.strictObject({
  programId: id,
  saleExternalId: externalId,
  externalId,
  amount: minorAmount.refine((a) => a > 0, { message: 'must be greater than 0' }).optional(),
  occurredAt: isoDate.optional(),
});

export type TrackLeadInput = z.infer<typeof trackLeadSchema>;
export type TrackSaleInput = z.infer<typeof trackSaleSchema>;
export type TrackEventInput = z.infer<typeof trackEventSchema>;
export type TrackRefundInput = z.infer<typeof trackRefundSchema>;
