import type { Db } from '../db/client';
import type { CapturedClick } from './click-sink';
import { clickOfMessage } from './queue-click-sink';
import { recordClicks } from './record-clicks';

/** Seconds before a failed delivery comes back, so a brief database outage does not use up the retries. */
export const RETRY_DELAY_SECONDS = 5;

/**
 * Writes one CLICKS queue delivery with one recordClicks call (one db.batch(), its inserts chunked
 * under D1's 100 bound parameters). Delivery is at least once: a click id that is already stored,
 * or that arrives twice in the same delivery, is written once. The delivery is acked when written
 * and retried whole otherwise; bodies this version cannot read (or whose time is no date) are logged by
 * message id and dropped, so one cannot send the other clicks of its delivery to the dead-letter queue.
 * Nothing here logs a click's IP.
 */
export async function consumeClickQueue({ db, salt, batch }: { db: Db; salt: string; batch: MessageBatch<unknown> }): Promise<number> {
  const clicks = new Map<string, CapturedClick>();
  for (const message of batch.messages) {
    const click = clickOfMessage(message.body);
    if (click) clicks.set(click.id, click);
    else console.error('click message dropped: unreadable body', { queue: batch.queue, messageId: message.id });
  }
  try {
    const written = await recordClicks(db, [...clicks.values()], salt);
    batch.ackAll();
    return written;
  } catch (err) {
    console.error('click delivery failed; retrying it', { queue: batch.queue, messages: batch.messages.length, error: String(err) });
    batch.retryAll({ delaySeconds: RETRY_DELAY_SECONDS });
    return 0;
  }
}
