import { z } from 'zod';
import { ValidationError } from '../lib/errors';

export const PAYOUT_METHODS = ['paypal', 'wise', 'bank_transfer', 'other'] as const;
export type PayoutMethod = (typeof PAYOUT_METHODS)[number];

export const MAX_PAYOUT_DETAILS_LENGTH = 500;

/**
 * Control characters (line breaks and tabs inside included: the details are one line in the
 * payout CSV) and the invisible marks that reorder or hide text, so what a marketer reads and
 * copies into a bank form is what the partner typed.
 */
const UNSAFE = /[\p{Cc}\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

const email = z.email();

/**
 * A partner's payout method and details as stored: the method one of PAYOUT_METHODS, the details
 * trimmed, non-empty, at most 500 characters, without control characters, and a valid email for
 * `paypal`. Else 422 `validation_failed` naming the field (`method`/`details`, or as `fields` names
 * them) with a reason:
 * `invalid_payout_method`, `control_characters`, `details_required`, `too_long`, `invalid_email`.
 * The details are never part of an error message (they are personal data, and messages get logged
 * by clients).
 */
export function checkPayoutDetails(
  input: { method: string; details: string },
  fields: { method: string; details: string } = { method: 'method', details: 'details' },
): { payoutMethod: PayoutMethod; payoutDetails: string } {
  const method = PAYOUT_METHODS.find((m) => m === input.method);
  if (!method) throw new ValidationError(fields.method, `must be one of ${PAYOUT_METHODS.join(', ')}`, 'invalid_payout_method');
  const details = input.details.trim();
  if (UNSAFE.test(details)) throw new ValidationError(fields.details, 'must be one line without control characters', 'control_characters');
  if (details.length === 0) throw new ValidationError(fields.details, 'must not be empty', 'details_required');
  if (details.length > MAX_PAYOUT_DETAILS_LENGTH) {
    throw new ValidationError(fields.details, `must be at most ${MAX_PAYOUT_DETAILS_LENGTH} characters`, 'too_long');
  }
  if (method === 'paypal' && !email.safeParse(details).success) {
    throw new ValidationError(fields.details, 'must be the email address of the PayPal account', 'invalid_email');
  }
  return { payoutMethod: method, payoutDetails: details };
}
