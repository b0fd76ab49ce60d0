import type { AppDeps } from '../env';
import { NotFoundError, ValidationError } from '../lib/errors';
import type { TrackEventInput, TrackSaleInput } from './schemas';
import { dedupeKey } from './dedupe-key';
import { normalSale, requestHashes, type TrackingRequest } from './request-hash';
import { trackCustomerConversion } from './track-customer-conversion';

async function programOrThrow(deps: AppDeps, id: string) {
  const program = await deps.programCache.program(deps.db, id);
  if (!program) throw new NotFoundError('Program');
  return program;
}

/**
 * A sale (order/invoice) in the program's currency — sent in any case ("eur" is EUR) or omitted —
 * unique per program by externalId; replays compare the sale with its currency resolved.
 */
export async function trackSale(deps: AppDeps, input: TrackSaleInput, request: TrackingRequest) {
  const program = await programOrThrow(deps, input.programId);
  const currency = input.currency ?? program.currency;
  if (currency !== program.currency) {
    throw new ValidationError('currency', `must be the program currency ${program.currency}`, 'currency_mismatch');
  }
  return trackCustomerConversion(
    deps,
    {
      program,
      type: 'sale',
      name: input.eventName,
      dedupeKey: `sale:${input.externalId}`,
      externalId: input.externalId,
      customerExternalId: input.customerExternalId,
      amount: input.amount,
      currency,
      quantity: input.quantity,
      occurredAt: input.occurredAt,
      metadata: input.metadata ?? null,
    },
    await requestHashes(request, normalSale(request.body, currency)),
  );
}

/**
 * A custom funnel step ("demo_requested"). With an externalId it is unique by that id; without,
 * a step happens once per customer (replays of the same step are the same event).
 */
export async function trackEvent(deps: AppDeps, input: TrackEventInput, request: TrackingRequest) {
  const program = await programOrThrow(deps, input.programId);
  return trackCustomerConversion(
    deps,
    {
      program,
      type: 'custom',
      name: input.eventName,
      dedupeKey: input.externalId ? dedupeKey('event', input.eventName, input.externalId) : dedupeKey('event', input.eventName, 'customer', input.customerExternalId),
      externalId: input.externalId ?? null,
      customerExternalId: input.customerExternalId,
      amount: null,
      currency: null,
      quantity: input.quantity,
      occurredAt: input.occurredAt,
      metadata: input.metadata ?? null,
    },
    await requestHashes(request),
  );
}
