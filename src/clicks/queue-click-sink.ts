import type { Db } from '../db/client';
import type { CapturedClick, ClickSink, WaitUntil } from './click-sink';
import { recordClicks } from './record-clicks';

/**
 * A captured click as it travels through the CLICKS queue: JSON, so `at` is epoch milliseconds.
 * It carries the visitor's IP to the consumer, which hashes it; it is never logged on either side.
 */
export type ClickMessage = Omit<CapturedClick, 'at'> & { v: 1; at: number };

export const toClickMessage = (click: CapturedClick): ClickMessage => ({ ...click, v: 1, at: click.at.getTime() });

const isStringOrNull = (v: unknown) => v === null || typeof v === 'string';

/** The click back from a queue message, or null for a body this version does not understand. */
export function clickOfMessage(body: unknown): CapturedClick | null {
  if (typeof body !== 'object' || body === null) return null;
  const m = body as Partial<Record<keyof ClickMessage, unknown>>;
  const strings = [m.id, m.linkId, m.programId, m.partnerId, m.landingUrl].every((v) => typeof v === 'string' && v.length > 0);
  const nullable = [m.ip, m.userAgent, m.referer, m.purpose, m.country].every(isStringOrNull);
  // A time outside Date's range (±8.64e15 ms) would fail the whole delivery (Invalid time value) on every retry.
  if (m.v !== 1 || !strings || !nullable || typeof m.at !== 'number' || Number.isNaN(new Date(m.at).getTime()) || !Number.isFinite(m.dedupWindowSeconds)) return null;
  const { v: _v, at, ...rest } = body as ClickMessage;
  return { ...rest, at: new Date(at) };
}

/**
 * Workers with a CLICKS queue bound: the redirect only enqueues (in `waitUntil`), and the queue
 * consumer (consume-click-queue.ts) writes whole deliveries at once. Should the send itself fail,
 * the click is written directly rather than lost.
 */
export class QueueClickSink implements ClickSink {
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(
    private readonly queue: Queue<ClickMessage>,
    private readonly db: Db,
    private readonly salt: string,
  ) {}

  capture(click: CapturedClick, waitUntil: WaitUntil | null): void {
    const send = this.queue
      .send(toClickMessage(click), { contentType: 'json' })
      .catch(async (err: unknown) => {
        console.error('click enqueue failed; writing it directly', { clickId: click.id, error: String(err) });
        await recordClicks(this.db, [click], this.salt);
      })
      .catch((err: unknown) => {
        console.error('click write failed', { clickId: click.id, error: String(err) });
      });
    if (waitUntil) {
      waitUntil(send);
      return;
    }
    this.inflight.add(send);
    void send.finally(() => this.inflight.delete(send));
  }

  /** Waits for this isolate's sends; the consumer writes the clicks later. */
  async flush(): Promise<void> {
    await Promise.all([...this.inflight]);
  }
}
