import type { AppDeps } from '../env';
import { checkOccurredAt } from './check-occurred-at';
import { findCustomerForConversion } from '../db/queries/conversions';
import { findTouchAt } from '../db/queries/attribution-history';
import type { ProgramRow } from '../db/queries/programs';
import { commitConversion } from './commit-conversion';
import { newCustomer, touchOf } from './load-customer';
import { replayOrConflict } from './replay-or-conflict';
import type { RequestHashes } from './request-hash';
import { needsEarlierTouch, touchAtOccurrence } from './resolve-attribution';
import { isSelfReferral } from './self-referral';
import { withConversionRetry } from './with-retry';

export interface CustomerConversionInput {
  program: ProgramRow;
  type: 'sale' | 'custom';
  name: string;
  dedupeKey: string;
  externalId: string | null;
  customerExternalId: string;
  amount: number | null;
  currency: string | null;
  quantity: number;
  occurredAt: Date | undefined;
  metadata: Record<string, unknown> | null;
}

/**
 * A sale or funnel step of a known customer: it earns for the partner the customer is attributed
 * to — under last_click, for one that occurred before that referral, the partner whose touch was
 * current then — unless it occurred before every referral (unattributed, `outside_window`) or the customer is
 * that partner (self_referral: same mailbox or externalId, also when the customer's email became
 * known after the referral). An unknown customer is recorded (unattributed, `unknown_customer`) so
 * a later lead cannot claim events that happened before it.
 */
export async function trackCustomerConversion(deps: AppDeps, input: CustomerConversionInput, hashes: RequestHashes) {
  const { db } = deps;
  const { program } = input;
  return withConversionRetry(async (attempt) => {
    // Most calls are new events, so the first attempt skips the replay read: a replay fails the
    // batch on the events dedupe index instead, and the retry answers it from the stored event.
    if (attempt > 1) {
      const replay = await replayOrConflict(db, program.id, input.dedupeKey, hashes);
      if (replay) return replay;
    }
    const now = deps.clock();
    const found = await findCustomerForConversion(db, program.id, input.customerExternalId);
    const existing = found?.customer ?? null;
    const current = touchOf(existing);
    const occurredAt = checkOccurredAt(input.occurredAt, now);
    const model = program.attributionModel;
    // Under last_click, one before the current touch belongs to the touch current at its occurredAt.
    const earlier = existing && needsEarlierTouch(model, current, occurredAt) ? await findTouchAt(db, program.id, existing.id, occurredAt) : null;
    const touch = touchAtOccurrence(model, current, occurredAt, earlier?.touch ?? null);
    const partner = earlier ? earlier.partner : found?.partner ? { ...found.partner, status: found.partnerStatus } : null;
    let status: 'attributed' | 'unattributed' | 'rejected' = 'unattributed';
    let reason: string | null = existing ? 'no_referral' : 'unknown_customer';
    if (current && !touch) {
      reason = 'outside_window';
    } else if (touch && partner && isSelfReferral(partner, existing!)) {
      // The customer's email came after the referral (a later lead) and is the partner's own.
      status = 'rejected';
      reason = 'self_referral';
    } else if (touch) {
      status = partner?.status === 'active' ? 'attributed' : 'rejected';
      reason = status === 'attributed' ? null : 'partner_suspended';
    }
    const customer = existing ?? newCustomer(program.id, input.customerExternalId, now);
    return deps.locks.run(`conv:${touch?.partnerId ?? program.id}`, () =>
      commitConversion(deps, {
        program,
        type: input.type,
        name: input.name,
        dedupeKey: input.dedupeKey,
        requestHash: hashes[0],
        externalId: input.externalId,
        customer,
        customerIsNew: !existing,
        customerChanged: false,
        attribution: status === 'attributed' ? touch : null,
        dims: earlier ? earlier.dims : found?.dims,
        status,
        reason,
        amount: input.amount,
        currency: input.currency,
        quantity: input.quantity,
        metadata: input.metadata,
        occurredAt,
      }),
    );
  });
}
