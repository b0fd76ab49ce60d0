import type { Db } from '../db/client';
import type { CapturedClick, ClickSink, WaitUntil } from './click-sink';
import { recordClicks } from './record-clicks';

/**
 * Pauses before the retries of a failed click write. D1 has transient failures (a dropped
 * connection, an object reset) that a retry gets through; recordClicks looks for the stored id
 * first, so a write that committed but reported failure is not written twice.
 */
const RETRY_DELAYS_MS = [200, 1_000];

/**
 * Workers without a queue: each click is written after the response via `waitUntil`, retried twice
 * on failure. Without a waitUntil (plain calls in tests) the write is tracked and awaited by `flush()`.
 */
export class DirectClickSink implements ClickSink {
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(
    private readonly db: Db,
    private readonly salt: string,
  ) {}

  capture(click: CapturedClick, waitUntil: WaitUntil | null): void {
    const write = this.write(click).catch((err: unknown) => {
      console.error('click write failed', { clickId: click.id, error: String(err) });
    });
    if (waitUntil) {
      waitUntil(write);
      return;
    }
    this.inflight.add(write);
    void write.finally(() => this.inflight.delete(write));
  }

  private async write(click: CapturedClick): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await recordClicks(this.db, [click], this.salt);
        return;
      } catch (err) {
        if (attempt >= RETRY_DELAYS_MS.length) throw err;
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]));
      }
    }
  }

  async flush(): Promise<void> {
    await Promise.all([...this.inflight]);
  }
}
