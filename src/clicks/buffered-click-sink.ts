import type { Db } from '../db/client';
import type { CapturedClick, ClickSink } from './click-sink';
import { recordClicks } from './record-clicks';

export interface BufferOptions {
  flushEveryMs?: number;
  maxBatch?: number;
  /** Above this many waiting clicks, capture() returns a promise (back-pressure). */
  maxBuffered?: number;
}

/**
 * Node's click writer: clicks wait in memory and are written in one batch every 250 ms or every
 * 500 clicks, whichever comes first. A failed batch is retried on the next tick; inserts are
 * idempotent on click id. `flush()` drains everything (SIGTERM/SIGINT, tests).
 */
export class BufferedClickSink implements ClickSink {
  readonly wantsWaitUntil = false;
  private buffer: CapturedClick[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private writing: Promise<void> | null = null;
  private failures = 0;
  private readonly waiters: Array<() => void> = [];
  private readonly flushEveryMs: number;
  private readonly maxBatch: number;
  private readonly maxBuffered: number;

  constructor(
    private readonly db: Db,
    private readonly salt: string,
    opts: BufferOptions = {},
  ) {
    this.flushEveryMs = opts.flushEveryMs ?? 250;
    this.maxBatch = opts.maxBatch ?? 500;
    this.maxBuffered = opts.maxBuffered ?? 20_000;
  }

  get pending(): number {
    return this.buffer.length;
  }

  capture(click: CapturedClick): void | Promise<void> {
    this.buffer.push(click);
    if (this.buffer.length >= this.maxBatch) this.kick();
    else if (!this.timer) this.timer = setTimeout(() => this.kick(), this.flushEveryMs);
    if (this.buffer.length > this.maxBuffered) {
      return new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  async flush(): Promise<void> {
    this.failures = 0;
    while ((this.buffer.length > 0 || this.writing) && this.failures < 3) {
      this.kick();
      await this.writing;
    }
    if (this.buffer.length > 0) throw new Error(`click flush failed; ${this.buffer.length} clicks still buffered`);
  }

  private kick(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.writing || this.buffer.length === 0) return;
    const batch = this.buffer.splice(0, this.maxBatch);
    this.writing = recordClicks(this.db, batch, this.salt)
      .then(
        () => {
          this.failures = 0;
        },
        (err: unknown) => {
          this.failures++;
          console.error('click batch failed; will retry', { clicks: batch.length, error: String(err) });
          this.buffer.unshift(...batch);
        },
      )
      .finally(() => {
        this.writing = null;
        while (this.waiters.length > 0 && this.buffer.length <= this.maxBuffered) this.waiters.shift()!();
        if (this.buffer.length > 0 && !this.timer) this.timer = setTimeout(() => this.kick(), this.buffer.length >= this.maxBatch ? 0 : this.flushEveryMs);
      });
  }
}
