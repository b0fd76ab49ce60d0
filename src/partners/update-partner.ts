import type { Db } from '../db/client';
import { findPartner, updatePartnerIfEmailFree, type PartnerRow } from '../db/queries/partners';
import { NotFoundError, ValidationError } from '../lib/errors';
import { emailTakenError } from './email-taken';
import { checkPayoutDetails } from './check-payout-details';
import type { UpdatePartnerInput } from './schemas';

type PayoutPatch = Pick<PartnerRow, 'payoutMethod' | 'payoutDetails' | 'payoutDetailsUpdatedAt'>;

/**
 * The payout columns an admin's PATCH writes: none when it names neither field; both checked as the
 * partner's own PUT checks them; both null clears them. One without the other (or one null) is 422
 * `payout_details_incomplete` on the missing one: a method alone could leave a PayPal method with
 * bank details.
 */
function payoutPatch(input: UpdatePartnerInput, now: Date): PayoutPatch | {} {
  const { payoutMethod: method, payoutDetails: details } = input;
  if (method === undefined && details === undefined) return {};
  if (method === null && details === null) return { payoutMethod: null, payoutDetails: null, payoutDetailsUpdatedAt: null };
  if (typeof method !== 'string') throw new ValidationError('payoutMethod', 'must be sent with payoutDetails (both null clears them)', 'payout_details_incomplete');
  if (typeof details !== 'string') throw new ValidationError('payoutDetails', 'must be sent with payoutMethod (both null clears them)', 'payout_details_incomplete');
  return { ...checkPayoutDetails({ method, details }, { method: 'payoutMethod', details: 'payoutDetails' }), payoutDetailsUpdatedAt: now };
}

/**
 * Renames, changes the email of, suspends or reactivates a partner, or sets its payout details. A new
 * email must not be another partner's in the same program (409 `email_taken`, nothing written);
 * checked in the update itself.
 */
export async function updatePartner({ db, now, id, input }: { db: Db; now: Date; id: string; input: UpdatePartnerInput }): Promise<PartnerRow> {
  const { payoutMethod: _m, payoutDetails: _d, ...rest } = input;
  const row = await updatePartnerIfEmailFree(db, id, { ...rest, ...payoutPatch(input, now), updatedAt: now });
  if (row) return row;
  if (!(await findPartner(db, id))) throw new NotFoundError('Partner');
  throw emailTakenError();
}
