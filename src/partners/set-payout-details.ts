import type { Db } from '../db/client';
import { updatePayoutDetails, type PartnerRow } from '../db/queries/partners';
import { ApiError } from '../lib/errors';
import { checkPayoutDetails } from './check-payout-details';

/**
 * A partner sets how it wants to be paid (PUT /v1/me/payout-details): checked by checkPayoutDetails
 * (422 with a reason, nothing written), written to the token's own partner only, with the time, so
 * an admin paying can see a recent change.
 */
export async function setPayoutDetails({
  db,
  now,
  me,
  input,
}: {
  db: Db;
  now: Date;
  me: { partnerId: string; programId: string };
  input: { method: string; details: string };
}): Promise<PartnerRow> {
  const details = checkPayoutDetails(input);
  const row = await updatePayoutDetails(db, me.partnerId, me.programId, { ...details, payoutDetailsUpdatedAt: now, updatedAt: now });
  // requirePartner just saw the partner; gone since means the token no longer stands for anyone.
  if (!row) throw new ApiError('unauthorized', 'Invalid or expired partner token');
  return row;
}
