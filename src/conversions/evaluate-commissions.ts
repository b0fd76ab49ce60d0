import type { AppDeps } from '../env';
import { bumpCounterStatement, readCounters, type CommissionRow, type Statement } from '../db/queries/conversions';
import type { ProgramRow } from '../db/queries/programs';
import { newSortableId } from '../lib/ids';
import { counterKeys, evaluateConversion } from '../rewards/evaluate-conversion';
import { toRule } from '../rewards/to-rule';
import { partnerExplanation } from '../rewards/partner-explanation';
import type { ConversionFacts } from '../rewards/engine';
import type { Touch } from './resolve-attribution';

export interface Skipped {
  rewardId: string;
  reason: string;
  explanation: string;
  explanationFormatted: string;
}

/** What a conversion is, as the reward rules read it. */
export interface ConversionToEvaluate {
  eventId: string;
  name: string;
  occurredAt: Date;
  amount: number | null;
  quantity: number;
  metadata: Record<string, unknown> | null;
  customerId: string;
}

/**
 * The commissions a conversion earns when it belongs to `touch` (reward windows count from
 * `touch.at`, holds from its occurredAt), with its skipped rules, and the versioned counter writes
 * that go in the same batch: a concurrent conversion of the partner fails the batch, which the
 * caller redoes from fresh reads. Used for a new conversion (commitConversion) and for an early
 * event re-decided by a lead (reattributeEvent), so both evaluate exactly alike.
 */
export async function evaluateCommissions(deps: AppDeps, program: ProgramRow, event: ConversionToEvaluate, touch: Touch, now: Date) {
  const rules = (await deps.programCache.activeRewards(deps.db, program.id, event.name)).map(toRule);
  const unitOf = new Map(rules.map((r) => [r.id, r.unit]));
  const facts: ConversionFacts = {
    eventName: event.name,
    occurredAt: event.occurredAt,
    amount: event.amount,
    quantity: event.quantity,
    metadata: event.metadata ?? {},
    attributedAt: touch.at,
    programHoldDays: program.holdDays,
  };
  const partnerId = touch.partnerId;
  const customerId = event.customerId;
  const keys = rules.flatMap((r) => Object.values(counterKeys(r, facts, partnerId, customerId)).filter((k): k is string => k !== null));
  const stored = await readCounters(deps.db, keys);
  const { outcomes, writes } = evaluateConversion({
    rules,
    facts,
    partnerId,
    customerId,
    counters: (key) => {
      const row = stored.get(key);
      return row ? { count: row.count, total: row.total, version: row.version } : { count: 0, total: 0, version: null };
    },
    now,
  });
  const statements: Statement[] = writes.map((w) => bumpCounterStatement(deps.db, w.key, w.expectedVersion, w.count, w.total, crypto.randomUUID()));
  const commissions: CommissionRow[] = [];
  const skipped: Skipped[] = [];
  for (const o of outcomes) {
    if (o.kind === 'skipped') {
      if (o.reason !== 'event_mismatch') {
        // as the partner would read an entry: amounts in the rule's unit (sales in the currency) as money
        skipped.push({ rewardId: o.rewardId, reason: o.reason, explanation: o.explanation, explanationFormatted: partnerExplanation(o.explanation, unitOf.get(o.rewardId)!, program.currency) });
      }
      continue;
    }
    const approved = o.holdUntil.getTime() <= now.getTime();
    commissions.push({
      id: newSortableId('com'),
      programId: program.id,
      kind: 'commission',
      recipient: o.recipient,
      partnerId,
      customerId,
      rewardId: o.rewardId,
      eventId: event.eventId,
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
  return { commissions, skipped, statements };
}
