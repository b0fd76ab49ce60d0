import type { AppDeps } from '../env';
import {
  insertCommissionsStatements,
  insertCustomerStatement,
  insertEventStatement,
  updateCustomerStatement,
  type CustomerRow,
  type EventRow,
  type Statement,
} from '../db/queries/conversions';
import { executeBatch } from '../db/statements';
import { insertAttributionHistoryStatement, insertOlderTouchStatement } from '../db/queries/attribution-history';
import type { ProgramRow } from '../db/queries/programs';
import { newSortableId } from '../lib/ids';
import { commissionJson, customerJson, eventJson } from './conversion-json';
import type { Touch } from './resolve-attribution';
import { eventRollupStatements } from '../reports/event-rollups';
import type { DimFacts } from '../reports/rollup-deltas';
import { reattributeIfAttributedMeanwhile } from './reattribute-early-events';
import { evaluateCommissions } from './evaluate-commissions';
import { conversionWebhookStatements } from '../webhooks/conversion-webhooks';

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
 * Evaluates the program's rules for an attributed conversion (evaluate-commissions.ts) and writes
 * customer, event, counters and commissions in ONE batch. Counter writes are conditional on the
 * versions read there, so a concurrent writer makes the batch fail as a whole (and the caller
 * retries from scratch).
 */
export async function commitConversion(deps: AppDeps, plan: ConversionPlan) {
  const { db } = deps;
  const now = deps.clock();
  const eventId = newSortableId('evt');
  const currency = plan.program.currency;
  const evaluated =
    plan.status === 'attributed' && plan.attribution
      ? await evaluateCommissions(deps, plan.program, { eventId, name: plan.name, occurredAt: plan.occurredAt, amount: plan.amount, quantity: plan.quantity, metadata: plan.metadata, customerId: plan.customer.id }, plan.attribution, now)
      : { commissions: [], skipped: [], statements: [] };
  const { commissions, skipped } = evaluated;
  const statements: Statement[] = [...evaluated.statements];

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
  statements.push(...conversionWebhookStatements(event, commissions, currency, now)); // the outbox, in the same batch
  await executeBatch(db, statements); // one conversion's writes, all or nothing
  // Early event (reattribute-early-events.ts): a lead may have attributed its customer meanwhile.
  return ((await reattributeIfAttributedMeanwhile(deps, plan.program, event)) ?? result) as typeof result;
}
