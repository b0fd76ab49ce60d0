import type { AppDeps } from '../env';
import {
  bumpCounterStatement,
  insertCommissionsStatements,
  insertCustomerStatement,
  insertEventStatement,
  readCounters,
  updateCustomerStatement,
  type CommissionRow,
  type CustomerRow,
  type EventRow,
  type Statement,
} from '../db/queries/conversions';
import { executeBatch } from '../db/statements';
import { insertAttributionHistoryStatement, insertOlderTouchStatement } from '../db/queries/attribution-history';
import type { ProgramRow } from '../db/queries/programs';
import { newSortableId } from '../lib/ids';
import { counterKeys, evaluateConversion } from '../rewards/evaluate-conversion';
import { toRule } from '../rewards/to-rule';
import { partnerExplanation } from '../rewards/partner-explanation';
import type { ConversionFacts } from '../rewards/engine';
import { commissionJson, customerJson, eventJson } from './conversion-json';
import type { Touch } from './resolve-attribution';
import { eventRollupStatements } from '../reports/event-rollups';
import type { DimFacts } from '../reports/rollup-deltas';
import { reattributeIfAttributedMeanwhile } from './reattribute-early-events';

export interface ConversionPlan {
  program: ProgramRow;
  type: 'lead' | 'sale' | 'custom';
  name: string;
  dedupeKey: string;
  requestHash: string;
  externalId: string | null;
  /** The customer as it will be after this event; `isNew` inserts it, `changed` updates it. */
  customer: CustomerRow;
  customerIsNew: boolean;
  customerChanged: boolean;
  /** The customer as read before this event (its update is conditional on that attribution). */
  customerRead?: CustomerRow | null;
  attribution: Touch | null;
  /** A touch that becomes the customer's attribution here: recorded in its history in the same batch. */
  history?: Touch | null;
  /**
   * A lead's own touch older than the customer's current one, inserted into the history's past in
   * the same batch while its neighbouring rows are still `beforeId` and `afterId` (see olderTouchToRecord).
   */
  olderTouch?: { touch: Touch; beforeId: string | null; afterId: string | null } | null;
  /** Dimension facts of the attribution's click and link when already read; else read for the rollups. */
  dims?: DimFacts;
  status: 'attributed' | 'unattributed' | 'rejected';
  reason: string | null;
  amount: number | null;
  currency: string | null;
  quantity: number;
  metadata: Record<string, unknown> | null;
  occurredAt: Date;
}

/**
 * Evaluates the program's rules for an attributed conversion and writes customer, event, counters
 * and commissions in ONE batch. Counter writes are conditional on the versions read here, so a
 * concurrent writer makes the batch fail as a whole (and the caller retries from scratch).
 */
export async function commitConversion(deps: AppDeps, plan: ConversionPlan) {
  const { db } = deps;
  const now = deps.clock();
  const eventId = newSortableId('evt');
  const commissions: CommissionRow[] = [];
  const skipped: { rewardId: string; reason: string; explanation: string; explanationFormatted: string }[] = [];
  const currency = plan.program.currency;
  const statements: Statement[] = [];

  if (plan.status === 'attributed' && plan.attribution) {
    const partnerId = plan.attribution.partnerId;
    const rules = (await deps.programCache.activeRewards(db, plan.program.id, plan.name)).map(toRule);
    const unitOf = new Map(rules.map((r) => [r.id, r.unit]));
    const facts: ConversionFacts = {
      eventName: plan.name,
      occurredAt: plan.occurredAt,
      amount: plan.amount,
      quantity: plan.quantity,
      metadata: plan.metadata ?? {},
      attributedAt: plan.attribution.at, // reward windows count from the touch this event belongs to
      programHoldDays: plan.program.holdDays,
    };
    const keys = rules.flatMap((r) => Object.values(counterKeys(r, facts, partnerId, plan.customer.id)).filter((k): k is string => k !== null));
    const stored = await readCounters(db, keys);
    const { outcomes, writes } = evaluateConversion({
      rules,
      facts,
      partnerId,
      customerId: plan.customer.id,
      counters: (key) => {
        const row = stored.get(key);
        return row ? { count: row.count, total: row.total, version: row.version } : { count: 0, total: 0, version: null };
      },
      now,
    });
    for (const w of writes) statements.push(bumpCounterStatement(db, w.key, w.expectedVersion, w.count, w.total, crypto.randomUUID()));
    for (const o of outcomes) {
      if (o.kind === 'skipped') {
        if (o.reason !== 'event_mismatch') {
          // as the partner would read an entry: amounts in the rule's unit (sales in the currency) as money
          const explanationFormatted = partnerExplanation(o.explanation, unitOf.get(o.rewardId)!, currency);
          skipped.push({ rewardId: o.rewardId, reason: o.reason, explanation: o.explanation, explanationFormatted });
        }
        continue;
      }
      const approved = o.holdUntil.getTime() <= now.getTime();
      commissions.push({
        id: newSortableId('com'),
        programId: plan.program.id,
        kind: 'commission',
        recipient: o.recipient,
        partnerId,
        customerId: plan.customer.id,
        rewardId: o.rewardId,
        eventId,
        reversesId: null,
        amount: o.amount,
        unit: o.unit,
        status: approved ? 'approved' : 'pending',
        holdUntil: o.holdUntil,
        explanation: o.explanation,
        payoutId: null,
        createdAt: now,
        approvedAt: approved ? now : null,
        paidAt: null,
      });
    }
  }

  const event: EventRow = {
    id: eventId,
    programId: plan.program.id,
    type: plan.type,
    name: plan.name,
    dedupeKey: plan.dedupeKey,
    requestHash: plan.requestHash,
    externalId: plan.externalId,
    customerId: plan.customer.id,
    customerExternalId: plan.customer.externalId,
    partnerId: plan.status === 'attributed' ? (plan.attribution?.partnerId ?? null) : null,
    linkId: plan.status === 'attributed' ? (plan.attribution?.linkId ?? null) : null,
    clickId: plan.status === 'attributed' ? (plan.attribution?.clickId ?? null) : null,
    saleEventId: null,
    amount: plan.amount,
    currency: plan.currency,
    quantity: plan.quantity,
    metadata: plan.metadata,
    status: plan.status,
    reason: plan.reason,
    result: null,
    occurredAt: plan.occurredAt,
    createdAt: now,
  };
  const result = {
    customer: customerJson(plan.customer),
    event: { ...eventJson(event) },
    commissions: commissions.map((c) => commissionJson(c, currency)),
    skipped,
  };
  event.result = result;

  if (plan.customerIsNew) statements.unshift(insertCustomerStatement(db, plan.customer));
  else if (plan.customerChanged) statements.unshift(updateCustomerStatement(db, plan.customerRead ?? plan.customer, plan.customer));
  statements.splice(plan.customerIsNew || plan.customerChanged ? 1 : 0, 0, insertEventStatement(db, event));
  if (commissions.length > 0) statements.push(...insertCommissionsStatements(db, commissions));
  if (plan.history) {
    const { partnerId, linkId, clickId, at } = plan.history;
    statements.push(insertAttributionHistoryStatement(db, { id: newSortableId('ath'), programId: plan.program.id, customerId: plan.customer.id, partnerId, linkId, clickId, at, createdAt: now }));
  }
  if (plan.olderTouch) {
    const { touch: { partnerId, linkId, clickId, at }, beforeId, afterId } = plan.olderTouch;
    statements.push(insertOlderTouchStatement({ id: newSortableId('ath'), programId: plan.program.id, customerId: plan.customer.id, partnerId, linkId, clickId, at, createdAt: now }, beforeId, afterId));
  }
  statements.push(...(await eventRollupStatements(db, event, commissions, plan.dims)));
  await executeBatch(db, statements); // one conversion's writes, all or nothing
  // Early event (reattribute-early-events.ts): a lead may have attributed its customer meanwhile.
  return ((await reattributeIfAttributedMeanwhile(deps, plan.program, event)) ?? result) as typeof result;
}
