import { z } from 'zod';
import { isCurrency, MAX_AMOUNT } from './money';

export const currencySchema = z
  .string()
  .refine((c) => isCurrency(c), { message: 'must be an ISO 4217 currency code such as EUR' });

export const minorAmount = z.number().int('must be an integer in minor units').min(0).max(MAX_AMOUNT);

export const isoDate = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time' })
  .transform((s) => new Date(s));

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export const shortText = (max = 200) => z.string().trim().min(1).max(max);
