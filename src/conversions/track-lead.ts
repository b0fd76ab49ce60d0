import { dedupeKey } from './dedupe-key';
import type { AppDeps } from '../env';
import { checkOccurredAt } from './check-occurred-at';
import { findClick, findCustomer, findLinkByCode, findPartnersByIds } from '../db/queries/conversions';
import { findTouchAt, findTouchesAround } from '../db/queries/attribution-history';
import { ApiError, NotFoundError, ValidationError } from '../lib/errors';
import { clickIdTime } from '../lib/ids';
import { commitConversion } from './commit-conversion';
import { newCustomer, touchOf } from './load-customer';
import { replayOrConflict } from './replay-or-conflict';
import { normalLead, requestHashes, type TrackingRequest } from './request-hash';
import { chooseAttribution, clickCandidate, laterTouch, mayRecordOlderTouch, needsEarlierTouch, olderTouchToRecord, touchAtOccurrence, type Candidate } from './resolve-attribution';
import { isSelfReferral } from './self-referral';
import type { TrackLeadInput } from './schemas';
import { withConversionRetry } from './with-retry';
import { reattributeEarlyEvents } from './reattribute-early-events';

/**
 * How long after its redirect a click may still be on its way to the database: in a Workers queue
 * delivery (retried after 5 s when one fails), in another Node process's buffer (WORKERS > 1).
 */
const CLICK_IN_FLIGHT_MS = 5 * 60_000;
/** Allowed clock difference between the isolate or process that minted a click id and this one. */
const CLOCK_SKEW_MS = 60_000;

/**
 * Click ids are written after the redirect answers; give a just-made click the chance to land. One
 * this process holds is flushed; one minted elsewhere in the last few minutes (its id carries the
 * time) is not taken for unknown — that would record the lead unattributed for good — but answered
 * 409 `click_pending` with Retry-After, writing nothing, so the caller retries. So is any unknown
 * click id while this process's click writer fails to commit.
 */
async function lookupClick(deps: AppDeps, clickId: string) {
  const found = await findClick(deps.db, clickId);
  if (found) return found;
  // A failing click writer keeps its clicks buffered (and logs): the click may be among them.
  const flushed = await deps.clickSink.flush().then(() => true, () => false);
  const click = await findClick(deps.db, clickId);
  const minted = clickIdTime(clickId);
  const age = minted === null ? null : deps.clock().getTime() - minted;
  const inFlight = age !== null && age >= -CLOCK_SKEW_MS && age < CLICK_IN_FLIGHT_MS;
  if (!click && (inFlight || !flushed)) {
    throw new ApiError('conflict', 'clickId: this click is not recorded yet; retry the lead in a few seconds', 'click_pending', 'clickId', 2);
  }
  return click;
}

/**
 * Records a lead (sign-up or any lead-type event) and attributes its customer: by click id (within
 * the program's window after the click), by referral code, or by the customer's earlier
 * attribution, following the program's first/last-click model. Under last_click a touch of its own
 * older than the customer's current one is recorded in the customer's history (see
 * olderTouchToRecord). Idempotent per customer+eventName.
 */
export async function trackLead(deps: AppDeps, input: TrackLeadInput, request: TrackingRequest) {
  const { db } = deps;
  const hashes = await requestHashes(request, normalLead(request.body, input.customer.email));
  const click = input.clickId ? await lookupClick(deps, input.clickId) : null;
  const codeLink = input.code ? await findLinkByCode(db, input.code.toLowerCase()) : null;
  const programId = click?.programId ?? codeLink?.programId ?? input.programId;
  if (!programId) {
    throw new ValidationError('programId', 'required when neither clickId nor code identifies the program', input.clickId ? 'unknown_click' : input.code ? 'unknown_code' : undefined);
  }
  if (input.programId && input.programId !== programId) {
    throw new ValidationError('programId', 'does not match the program of the click or code', 'program_mismatch');
  }
  const program = await deps.programCache.program(db, programId);
  if (!program) throw new NotFoundError('Program');
  const leadKey = dedupeKey('lead', input.customer.externalId, input.eventName);

  const result = await withConversionRetry(async () => {
    const replay = await replayOrConflict(db, program.id, leadKey, hashes);
    if (replay) return replay;
    const now = deps.clock();
    const occurredAt = checkOccurredAt(input.occurredAt, now);
    const existing = await findCustomer(db, program.id, input.customer.externalId);

    let candidate: Candidate = null;
    if (input.clickId) candidate = clickCandidate(click, occurredAt, program.attributionWindowDays);
    // A click that cannot attribute (unknown, a bot's, outside the window) gives way to a code sent
    // with it; an unknown code then leaves the click's reason. Without a code the customer's earlier
    // attribution, if any, stands (chooseAttribution).
    if (input.code && !(candidate && 'touch' in candidate)) {
      if (codeLink && codeLink.programId === program.id) candidate = { touch: { partnerId: codeLink.partnerId, linkId: codeLink.linkId, clickId: null, at: occurredAt } };
      else candidate ??= { rejected: 'unknown_code' };
    }

    const existingTouch = touchOf(existing);
    const partnerIds = [candidate && 'touch' in candidate ? candidate.touch.partnerId : null, existingTouch?.partnerId].filter((x): x is string => !!x);
    const partners = new Map((await findPartnersByIds(db, partnerIds)).map((p) => [p.id, p]));
    const email = input.customer.email ?? existing?.email ?? null;

    if (candidate && 'touch' in candidate) {
      const partner = partners.get(candidate.touch.partnerId);
      if (!partner || partner.programId !== program.id) candidate = { rejected: 'unknown_click' };
      else if (isSelfReferral(partner, { email, externalId: input.customer.externalId })) candidate = { rejected: 'self_referral' };
      else if (partner.status !== 'active') candidate = { rejected: 'partner_suspended' };
    }
    const model = program.attributionModel;
    const chosen = chooseAttribution(model, existingTouch, candidate && 'touch' in candidate ? candidate.touch : null);
    const rejectedReason = candidate && 'rejected' in candidate ? candidate.rejected : null;
    // Its own touch older than the customer's current one (last_click): into the history's past, and
    // the lead is that touch's when it is the latest at its occurredAt.
    const own = candidate && 'touch' in candidate ? candidate.touch : null;
    const around = existing && !chosen.changed && mayRecordOlderTouch(model, chosen.touch, own) ? await findTouchesAround(db, program.id, existing.id, own!.at) : null;
    const older = around ? olderTouchToRecord(model, chosen.touch, own, around.before?.touch ?? null, around.after?.touch ?? null) : null;
    // A lead from before the customer's current touch: under last_click, the touch current then.
    const earlier = existing && needsEarlierTouch(model, chosen.touch, occurredAt) ? await findTouchAt(db, program.id, existing.id, occurredAt) : null;
    const touch = touchAtOccurrence(model, chosen.touch, occurredAt, laterTouch(earlier?.touch ?? null, older));

    let status: 'attributed' | 'unattributed' | 'rejected' = 'unattributed';
    let reason: string | null = rejectedReason ?? 'no_referral';
    if (chosen.touch && !touch) {
      // The customer keeps an attribution made after this lead happened: not its cause.
      reason = 'outside_window';
    } else if (touch) {
      const partner = earlier && touch === earlier.touch ? earlier.partner : partners.get(touch.partnerId);
      // The customer kept an earlier partner, and this lead brings an email that is that partner's own.
      if (partner && isSelfReferral(partner, { email, externalId: input.customer.externalId })) {
        status = 'rejected';
        reason = 'self_referral';
      } else if (partner?.status === 'active') {
        status = 'attributed';
        reason = null;
      } else {
        status = 'rejected';
        reason = 'partner_suspended';
      }
    } else if (rejectedReason === 'self_referral' || rejectedReason === 'partner_suspended') {
      status = 'rejected';
    }

    const customer = existing
      ? { ...existing, email, name: input.customer.name ?? existing.name, updatedAt: now }
      : newCustomer(program.id, input.customer.externalId, now, { email, name: input.customer.name ?? null });
    if (chosen.changed && chosen.touch) {
      Object.assign(customer, { partnerId: chosen.touch.partnerId, linkId: chosen.touch.linkId, clickId: chosen.touch.clickId, attributedAt: chosen.touch.at });
    }
    const customerChanged = !!existing && (chosen.changed || customer.email !== existing.email || customer.name !== existing.name);

    return deps.locks.run(`conv:${touch?.partnerId ?? program.id}`, () =>
      commitConversion(deps, {
        program,
        type: 'lead',
        name: input.eventName,
        dedupeKey: leadKey,
        requestHash: hashes[0],
        externalId: null,
        customer,
        customerIsNew: !existing,
        customerChanged,
        customerRead: existing,
        attribution: status === 'attributed' ? touch : null,
        history: chosen.changed ? chosen.touch : null,
        olderTouch: older ? { touch: older, beforeId: around!.before?.id ?? null, afterId: around!.after?.id ?? null } : null,
        dims: earlier && touch === earlier.touch ? earlier.dims : undefined,
        status,
        reason,
        amount: null,
        currency: null,
        quantity: 1,
        metadata: input.metadata ?? null,
        occurredAt,
      }),
    );
  });
  // Early events (reattribute-early-events.ts): a sale that beat this sign-up is decided now that the
  // customer has a partner; a replay resumes a pass that was cut short.
  if ((result as { customer?: { partnerId?: string | null } }).customer?.partnerId) await reattributeEarlyEvents(deps, program, input.customer.externalId);
  return result;
}
