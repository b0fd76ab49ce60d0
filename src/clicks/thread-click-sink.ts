import { Worker } from 'node:worker_threads';
import type { BufferOptions } from './buffered-click-sink';
import type { CapturedClick, ClickSink } from './click-sink';
import { encodeClick, joinClicks } from './click-wire';

/** What the writer thread needs to open its own connection to the same database file. */
export interface WriterConfig {
  databaseUrl: string;
  authToken?: string;
  salt: string;
  maxBatch: number;
  flushEveryMs: number;
  /** This process's writer is the only one writing clicks to the file (WORKERS=1). */
  soleWriter: boolean;
  /**
   * Nice levels the writer thread runs below the request thread (Linux; unset or 0 = same priority;
   * the Node runtime passes CLICK_WRITER_NICE, default 19): under CPU contention redirects go first
   * and the writer takes what is left, until back-pressure makes redirects wait for it.
   */
  nice?: number;
}

/** What the caller names; the sink adds its buffer settings. */
type WriterTarget = Omit<WriterConfig, 'maxBatch' | 'flushEveryMs' | 'soleWriter'>;

/**
 * `since`: when the oldest click of the message was captured (ms since epoch); `clicks`: `count`
 * clicks in the wire format of click-wire.ts.
 */
export type ToWriter = { type: 'clicks'; seq: number; since: number; count: number; clicks: string } | { type: 'flush'; id: number } | { type: 'close' };
export type FromWriter = { type: 'ready' } | { type: 'written'; seq: number } | { type: 'flushed'; id: number; error?: string };

const RESTART_DELAY_MS = 1_000;
/** How long close() lets the writer finish and end itself before terminating it. */
const CLOSE_TIMEOUT_MS = 5_000;
/**
 * Clicks go to the writer in messages of at most this many: joining and copying a message blocks the
 * request thread, so small messages keep that pause short (64 measured the best p99 when messages
 * were cloned objects; now one string each, click-wire.ts); the writer still commits up to
 * `maxBatch` clicks per transaction by taking several messages.
 */
const HAND_OVER_EVERY = 64;
const FLUSH_ROUNDS = 20;

/**
 * Node's click writer for database files: the request thread only buffers clicks and hands them,
 * every 250 ms or 500 clicks, to a worker thread with its own libSQL connection (WAL), which
 * classifies, hashes, rolls up and inserts them. The local libSQL client is synchronous, so doing
 * that here would stall every request behind each batch.
 *
 * Clicks count against `maxBuffered` until the writer confirms their commit; above it `capture()`
 * returns a promise (back-pressure). Handed-over clicks are kept until confirmed, so a crashed
 * writer is restarted and given them again (inserts are idempotent on click id). `flush()` waits
 * for the writer to commit everything captured so far.
 */
export class ThreadClickSink implements ClickSink {
  readonly wantsWaitUntil = false;
  private worker!: Worker;
  private live = false;
  private closing = false;
  /** Captured clicks, already encoded (click-wire.ts). */
  private buffer: string[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private seq = 0;
  private readonly unconfirmed = new Map<number, { since: number; count: number; clicks: string }>();
  /** When the oldest click in `buffer` was captured. */
  private bufferSince = 0;
  private unconfirmedClicks = 0;
  private readonly waiters: Array<() => void> = [];
  private flushId = 0;
  private readonly flushes = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  private readonly flushEveryMs: number;
  private readonly maxBatch: number;
  private readonly maxBuffered: number;
  private readonly soleWriter: boolean;

  private constructor(
    private readonly config: WriterTarget,
    opts: BufferOptions & { soleWriter?: boolean },
  ) {
    this.soleWriter = opts.soleWriter ?? true;
    this.flushEveryMs = opts.flushEveryMs ?? 250;
    this.maxBatch = opts.maxBatch ?? 500;
    this.maxBuffered = opts.maxBuffered ?? 50_000;
  }

  /** Starts the writer thread and resolves once it has opened the database. */
  static async start(config: WriterTarget, opts: BufferOptions & { soleWriter?: boolean } = {}): Promise<ThreadClickSink> {
    const sink = new ThreadClickSink(config, opts);
    await sink.spawn();
    return sink;
  }

  /** Clicks captured and not yet confirmed written. */
  get pending(): number {
    return this.buffer.length + this.unconfirmedClicks;
  }

  capture(click: CapturedClick): void | Promise<void> {
    if (this.buffer.push(encodeClick(click)) === 1) this.bufferSince = Date.now();
    if (this.buffer.length >= HAND_OVER_EVERY) this.handOver();
    else if (!this.timer) this.timer = setTimeout(() => this.handOver(), this.flushEveryMs);
    if (this.pending > this.maxBuffered) {
      return new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Resolves once every click captured before the call is committed (a lead may need its click). */
  async flush(): Promise<void> {
    if (this.pending === 0) return;
    this.handOver();
    const id = ++this.flushId;
    await new Promise<void>((resolve, reject) => {
      this.flushes.set(id, { resolve, reject });
      this.send({ type: 'flush', id });
      this.worker.ref();
    });
  }

  async close(): Promise<void> {
    // Clicks captured while a flush waits (open keep-alive connections at shutdown) go in the next.
    for (let round = 0; round < FLUSH_ROUNDS && this.pending > 0; round++) await this.flush();
    this.closing = true;
    if (!this.live) {
      await this.worker.terminate();
      return;
    }
    // The writer commits what is still queued, closes its connection and ends itself: terminating a
    // thread that holds native libSQL handles can abort it mid-finalizer. terminate() only as a backstop.
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    const backstop = setTimeout(() => void this.worker.terminate(), CLOSE_TIMEOUT_MS);
    this.handOver(); // clicks captured since the last flush go before the close
    this.worker.postMessage({ type: 'close' } satisfies ToWriter);
    await exited;
    clearTimeout(backstop);
  }

  private handOver(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.buffer.length > 0) {
      const lines = this.buffer.splice(0, HAND_OVER_EVERY);
      const seq = ++this.seq;
      const sent = { since: this.bufferSince, count: lines.length, clicks: joinClicks(lines) };
      this.unconfirmed.set(seq, sent);
      this.unconfirmedClicks += sent.count;
      this.send({ type: 'clicks', seq, ...sent });
    }
    this.worker.ref();
  }

  /** While the writer restarts, messages wait: the restart re-sends what is unconfirmed. */
  private send(msg: ToWriter): void {
    if (this.live) this.worker.postMessage(msg);
  }

  private onMessage(msg: FromWriter): void {
    if (msg.type === 'written') {
      const sent = this.unconfirmed.get(msg.seq);
      if (!sent) return;
      this.unconfirmed.delete(msg.seq);
      this.unconfirmedClicks -= sent.count;
      while (this.waiters.length > 0 && this.pending <= this.maxBuffered) this.waiters.shift()!();
    } else if (msg.type === 'flushed') {
      const f = this.flushes.get(msg.id);
      this.flushes.delete(msg.id);
      if (msg.error) f?.reject(new Error(`click flush failed; ${this.pending} clicks still buffered (${msg.error})`));
      else f?.resolve();
    }
    if (this.pending === 0 && this.flushes.size === 0) this.worker.unref();
  }

  private spawn(): Promise<void> {
    const worker = new Worker(new URL('./load-click-writer-thread.mjs', import.meta.url), {
      workerData: { entry: new URL('./click-writer-thread.ts', import.meta.url).href, config: { ...this.config, maxBatch: this.maxBatch, flushEveryMs: this.flushEveryMs, soleWriter: this.soleWriter } satisfies WriterConfig },
    });
    this.worker = worker;
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      worker.on('message', (msg: FromWriter) => {
        if (msg.type !== 'ready') return this.onMessage(msg);
        ready = true;
        this.live = true;
        // A restarted writer gets everything unconfirmed, in order, then the waiting flushes.
        for (const [seq, sent] of this.unconfirmed) worker.postMessage({ type: 'clicks', seq, ...sent } satisfies ToWriter);
        for (const id of this.flushes.keys()) worker.postMessage({ type: 'flush', id } satisfies ToWriter);
        if (this.pending === 0 && this.flushes.size === 0) worker.unref();
        resolve();
      });
      worker.on('error', (err) => {
        console.error('click writer thread failed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
        if (!ready) reject(err);
      });
      worker.on('exit', (code) => {
        this.live = false;
        if (!ready) return reject(new Error(`click writer thread exited (${code}) before it was ready`));
        if (this.closing) return;
        console.error('click writer thread exited; restarting', { code, unconfirmed: this.unconfirmedClicks });
        this.restart();
      });
    });
  }

  private restart(): void {
    setTimeout(() => {
      this.spawn().catch((err: unknown) => {
        console.error('click writer restart failed; trying again', String(err));
        this.restart();
      });
    }, RESTART_DELAY_MS);
  }
}
