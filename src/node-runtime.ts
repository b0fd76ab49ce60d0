import { createApp } from './app';
import { readConfig, type AppDeps } from './env';
import { openNodeDb } from './db/node-client';
import { BufferedClickSink, type BufferOptions } from './clicks/buffered-click-sink';
import { ThreadClickSink } from './clicks/thread-click-sink';
import type { ClickSink } from './clicks/click-sink';
import { LinkCache } from './links/link-cache';
import { KeyedMutex } from './lib/keyed-mutex';
import { ProgramCache } from './programs/program-cache';
import { TokenBuckets } from './lib/token-bucket';
import { sha256Hex } from './lib/hash';
import { systemClock, type Clock } from './lib/time';

export interface NodeRuntimeOptions {
  databaseUrl: string;
  authToken?: string;
  env?: Record<string, string | undefined>;
  clock?: Clock;
  clickBuffer?: BufferOptions;
  /**
   * Where clicks are written: 'thread' (a worker thread with its own connection; the default for
   * database files) or 'inline' (on the request thread; the default, and the only choice, for
   * `:memory:`, which a thread cannot share, and for remote URLs, whose writes do not block).
   */
  clickWriter?: 'thread' | 'inline';
}

const isLocalFile = (url: string) => url !== ':memory:' && !/^(libsql|https?|wss?):/.test(url);

function nodeClientIp(req: Request, env: unknown, trustProxy: boolean): string | null {
  if (trustProxy) {
    const fwd = req.headers.get('x-forwarded-for');
    // The rightmost entry is the one our proxy appended; entries to its left are client-controlled.
    if (fwd) return fwd.split(',').pop()!.trim();
  }
  const incoming = (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? null;
}

/** The app wired for Node: libSQL (file, memory or remote), buffered click writer, in-process cache. */
export async function createNodeRuntime(opts: NodeRuntimeOptions) {
  const env = opts.env ?? {};
  const db = await openNodeDb(opts.databaseUrl, opts.authToken);
  const config = readConfig(env, env.ADMIN_API_KEY ? await sha256Hex(env.ADMIN_API_KEY) : null);
  const trustProxy = env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true';
  const countryHeader = (env.COUNTRY_HEADER ?? 'cf-ipcountry').toLowerCase();
  // RATE_LIMIT_PER_SECOND per credential (burst 2×); 0 turns the limit off (benchmarks).
  const perSecond = Number(env.RATE_LIMIT_PER_SECOND ?? 500);
  const buckets = perSecond > 0 ? new TokenBuckets(perSecond, perSecond * 2) : null;
  const writer = opts.clickWriter ?? (isLocalFile(opts.databaseUrl) ? 'thread' : 'inline');
  if (writer === 'thread' && !isLocalFile(opts.databaseUrl)) throw new Error(`clickWriter 'thread' needs a database file, not ${opts.databaseUrl}`);
  const clickSink: ClickSink & { pending: number } =
    writer === 'thread'
      ? await ThreadClickSink.start({ databaseUrl: opts.databaseUrl, salt: config.visitorSalt }, opts.clickBuffer)
      : new BufferedClickSink(db, config.visitorSalt, opts.clickBuffer);
  const deps: AppDeps = {
    db,
    config,
    clock: opts.clock ?? systemClock,
    linkCache: new LinkCache(),
    programCache: new ProgramCache(),
    locks: new KeyedMutex(),
    rateLimiter: buckets ? { limit: (key) => buckets.take(key) } : undefined,
    clickSink,
    clientIp: (req, raw) => nodeClientIp(req, raw, trustProxy),
    clientCountry: (req) => req.headers.get(countryHeader),
  };
  const app = createApp(deps);
  // close() drains the clicks (and stops a writer thread); the caller closes the database after it.
  return { app, deps, db, clickSink, close: () => (clickSink.close ? clickSink.close() : clickSink.flush()) };
}
