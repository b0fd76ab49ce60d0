import type { Db } from '../db/client';
import type { PayoutRow } from '../db/queries/payouts';
import { asBatchItem, enqueueWebhookStatement } from '../db/queries/webhooks';
import { newSortableId } from '../lib/ids';
import { formatMinor } from '../lib/money';
import { payoutJson } from '../payouts/payout-json';
import { webhookPayload } from './conversion-webhooks';

/**
 * The outbox insert of `payout.paid` / `payout.canceled` for the batch that moves `current` (a
 * pending payout) there: conditional on the payout being in that state with this call's time (and
 * reference) after the batch's update, so a mark-paid or cancel that lost a race queues nothing;
 * one per payout and endpoint ever (its key is `<payoutId>:paid` / `:canceled`).
 */
export function payoutMovedWebhook(db: Db, current: PayoutRow, to: { status: 'paid'; reference: string } | { status: 'canceled'; reason: string | null }, now: Date) {
  const after: PayoutRow =
    to.status === 'paid' ? { ...current, status: 'paid', reference: to.reference, paidAt: now } : { ...current, status: 'canceled', canceledAt: now, cancelReason: to.reason };
  const type = to.status === 'paid' ? 'payout.paid' : 'payout.canceled';
  const id = newSortableId('whe', now.getTime());
  const guard =
    to.status === 'paid'
      ? { sql: `exists (select 1 from payouts where id = ? and status = 'paid' and paid_at = ? and reference = ?)`, args: [current.id, now.getTime(), to.reference] }
      : { sql: `exists (select 1 from payouts where id = ? and status = 'canceled' and canceled_at = ?)`, args: [current.id, now.getTime()] };
  const statement = enqueueWebhookStatement({ programId: current.programId, eventId: id, type, key: `${current.id}:${to.status}`, payload: webhookPayload(id, type, now, payoutJson(after)), at: now }, guard);
  return asBatchItem(db, statement);
}

/**
 * The body as sent. `payout.created` bodies are made in SQL (enqueuePayoutsCreatedStatement), which
 * cannot format money: their `amountFormatted` is filled in here, as payoutJson gives it.
 */
export function renderWebhookBody(eventType: string, payload: string): string {
  if (eventType !== 'payout.created') return payload;
  const body = JSON.parse(payload) as { data: { amount: number; unit: string; amountFormatted: string | null } };
  body.data.amountFormatted = formatMinor(body.data.amount, body.data.unit);
  return JSON.stringify(body);
}
