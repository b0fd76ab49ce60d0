import type { Db } from '../db/client';
import type { CapturedClick, ClickSink, WaitUntil } from './click-sink';
import { recordClicks } from './record-clicks';

/**
 * Workers without a queue: each click is written after the response via `waitUntil`. Without a
 * waitUntil (plain calls in tests) the write is tracked and awaited by `flush()`.
 */
export class DirectClickSink implements ClickSink {
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(
    private readonly db: Db,
    private readonly salt: string,
  ) {}

  capture(click: CapturedClick, waitUntil: WaitUntil | null): void {
    const write = recordClicks(this.db, [click], this.salt).catch((err: unknown) => {
      console.error('click write failed', { clickId: click.id, error: String(err) });
    });
    if (waitUntil) {
      waitUntil(write);
      return;
    }
    this.inflight.add(write);
    void write.finally(() => this.inflight.delete(write));
  }

  async flush(): Promise<void> {
    await Promise.all([...this.inflight]);
  }
}
