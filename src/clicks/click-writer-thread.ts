import { readFileSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { errorText } from '../db/client';
import { openNodeDb } from '../db/node-client';
import { LruCache } from '../lib/lru';
import { nodeSha256Hex } from '../lib/node-sha256';
import { decodeClicks } from './click-wire';
import { recordClicks } from './record-clicks';
import type { FromWriter, ToWriter, WriterConfig } from './thread-click-sink';

// The writer thread behind ThreadClickSink: batches arrive in order; each is committed with
// recordClicks on this thread's own connection and confirmed by sequence number. A failed batch
// stays at the head and is retried with backoff; after 3 failures in a row waiting flushes fail.

const config = (workerData as { config: WriterConfig }).config;

/** Linux keeps a nice value per thread: this one's is raised by `by`, never lowered. Elsewhere a no-op. */
function lowerPriority(by: number): void {
  // Elsewhere a process's threads share one priority: lowering it would slow the request thread too.
  if (!(by > 0) || process.platform !== 'linux') return;
  try {
    const tid = Number(readFileSync('/proc/thread-self/stat', 'utf8').split(' ', 1)[0]);
    setPriority(tid, Math.min(19, getPriority(tid) + Math.floor(by)));
  } catch (err) {
    console.error('click writer keeps its priority', errorText(err));
  }
}
lowerPriority(config.nice ?? 0);

const port = parentPort!;
const db = await openNodeDb(config.databaseUrl, config.authToken);
const send = (msg: FromWriter) => port.postMessage(msg);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// With one Node process on the file (WORKERS=1) this thread is the only writer of clicks, so
// what it committed is what the database holds: repeat visitors need no lookup.
// With several Node processes on one file (WORKERS > 1) it is not, and every batch asks the database.
const knownUnique = config.soleWriter ? new LruCache<string, number>(100_000, 24 * 3_600_000) : undefined;

const queue: ToWriter[] = [];
let draining = false;
let failures = 0;
let queuedClicks = 0;
let wakeUp: ReturnType<typeof setTimeout> | null = null;

/**
 * Clicks arrive in small messages (short pauses on the request thread); they are committed once
 * `maxBatch` are queued, or the oldest has waited `flushEveryMs` since it was captured, or a flush
 * asks for it — the request thread's "every 250 ms or 500 clicks", with fewer, bigger transactions.
 */
function due(): boolean {
  if (queuedClicks >= config.maxBatch || queue.some((m) => m.type !== 'clicks')) return true;
  const head = queue[0];
  return head?.type === 'clicks' && Date.now() - head.since >= config.flushEveryMs;
}

function schedule(): void {
  if (draining || queue.length === 0) return;
  if (due()) return void drain();
  if (wakeUp) return;
  const head = queue[0] as Extract<ToWriter, { type: 'clicks' }>;
  wakeUp = setTimeout(() => {
    wakeUp = null;
    schedule();
  }, Math.max(1, config.flushEveryMs - (Date.now() - head.since)));
}

/** Consecutive click messages from the head, up to maxBatch clicks (at least one message). */
function takeBatch(): Extract<ToWriter, { type: 'clicks' }>[] {
  const out: Extract<ToWriter, { type: 'clicks' }>[] = [];
  let n = 0;
  for (let head = queue[0]; head?.type === 'clicks' && (out.length === 0 || n + head.count <= config.maxBatch); head = queue[0]) {
    out.push(head);
    n += head.count;
    queue.shift();
  }
  queuedClicks -= n;
  return out;
}

async function drain(): Promise<void> {
  if (draining) return;
  draining = true;
  try {
    while (queue.length > 0 && due()) {
      const head = queue[0]!;
      if (head.type === 'close') {
        // Everything before it is committed: release the connection and end the thread.
        clearInterval(checkpoints);
        db.$client.close();
        process.exit(0);
      }
      if (head.type === 'flush') {
        queue.shift();
        send({ type: 'flushed', id: head.id });
        continue;
      }
      const batch = takeBatch();
      try {
        // Fresh clicks: skip the stored-id lookup; a re-sent one fails the insert and is retried with it.
        await recordClicks(db, batch.flatMap((m) => decodeClicks(m.clicks)), config.salt, { hash: nodeSha256Hex, checkStored: false, knownUnique, libsql: db.$client });
        failures = 0;
        for (const m of batch) send({ type: 'written', seq: m.seq });
      } catch (err) {
        failures++;
        const clicks = batch.reduce((a, m) => a + m.count, 0);
        queue.unshift(...batch);
        queuedClicks += clicks;
        console.error('click batch failed; will retry', { clicks, error: errorText(err) });
        if (failures >= 3) {
          for (let i = queue.length - 1; i >= 0; i--) {
            const m = queue[i]!;
            if (m.type === 'flush') {
              queue.splice(i, 1);
              send({ type: 'flushed', id: m.id, error: errorText(err).trim() });
            }
          }
        }
        await sleep(Math.min(250 * 2 ** (failures - 1), 5_000));
      }
    }
  } finally {
    draining = false;
  }
  schedule();
}

// Checkpoints on this thread, off the request thread: a PASSIVE checkpoint copies what it can
// without waiting for or blocking anyone. The request thread's own auto-checkpoint is then only a
// backstop (BACKSTOP_CHECKPOINT_PAGES in node-runtime.ts): ~2,000 sales/s write ~11 WAL pages each,
// ~5,500 pages in 250 ms, so the checkpoints of sales and clicks alike run here, not in a request.
const CHECKPOINT_EVERY_MS = 250;
const checkpoints = setInterval(() => {
  if (!draining) db.$client.execute('PRAGMA wal_checkpoint(PASSIVE)').catch((err: unknown) => console.error('checkpoint failed', errorText(err)));
}, CHECKPOINT_EVERY_MS).unref();

port.on('message', (msg: ToWriter) => {
  queue.push(msg);
  if (msg.type === 'clicks') queuedClicks += msg.count;
  schedule();
});
send({ type: 'ready' });
