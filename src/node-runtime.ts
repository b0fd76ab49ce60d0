import { createApp } from './app';
import { nodeFastRedirect } from './links/node-fast-redirect';
import { numberVar, readConfig, type AppDeps } from './env';
import { deliverIfDue, singleFlightKick } from './webhooks/send-webhooks-soon';
import { isRemoteUrl, openNodeDb } from './db/node-client';
import { BufferedClickSink, type BufferOptions } from './clicks/buffered-click-sink';
import { ThreadClickSink } from './clicks/thread-click-sink';
import type { ClickSink } from './clicks/click-sink';
import type { Db } from './db/client';
import { LinkCache } from './links/link-cache';
import { KeyedMutex } from './lib/keyed-mutex';
import { ProgramCache } from './programs/program-cache';
import { TokenBuckets } from './lib/token-bucket';
import { sha256Hex, useSyncSha256 } from './lib/hash';
import { systemClock, type Clock } from './lib/time';
import { nodeSha256Hex } from './lib/node-sha256';
import { loginRateLimiter } from './portal/login-rate-limiter';

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
  /**
   * Other Node processes write to the same database file (WORKERS > 1): the click writer then
   * cannot remember visitors across batches and asks the database each time. Default false.
   */
  sharedFile?: boolean;
  /** Send due webhooks right after tracking and payout requests too (node.ts); off = the job only (tests). */
  sendWebhooksSoon?: boolean;
}

const isLocalFile = (url: string) => url !== ':memory:' && !isRemoteUrl(url);

const MAX_PROXY_HOPS = 32;

/**
 * TRUST_PROXY as a count of proxies in front of Node: 0/false/unset = none (the socket peer is the
 * client), 1/true = one (today's rightmost X-Forwarded-For entry), N = N. Anything else is a
 * start-up error: a wrong count silently hashes a proxy's IP (everyone one visitor) or a
 * client-written entry (anyone any visitor).
 */
export function trustProxyHops(env: Record<string, string | undefined>): number {
  const raw = env.TRUST_PROXY == null ? '' : String(env.TRUST_PROXY).trim().toLowerCase();
  if (raw === '' || raw === '0' || raw === 'false') return 0;
  if (raw === 'true') return 1;
  if (/^[0-9]{1,2}$/.test(raw) && Number(raw) <= MAX_PROXY_HOPS) return Number(raw);
  throw new Error(`TRUST_PROXY must be 0, false, 1, true or the number of proxies in front (up to ${MAX_PROXY_HOPS}), got "${env.TRUST_PROXY}"`);
}

/**
 * The client's IP behind `hops` proxies: each appends the address it was reached from, so the
 * hops-th entry from the right is the one the outermost trusted proxy wrote; entries to its left
 * are client-controlled. A header with fewer entries (or an empty one there) did not come through
 * all of them: the socket peer, as without the header. Both Node paths (app and fast redirect) use this.
 */
export function nodeClientIp(forwardedFor: string | null | undefined, remoteAddress: string | undefined, hops: number): string | null {
  if (hops > 0 && forwardedFor) {
    const entries = forwardedFor.split(',');
    const entry = entries.length >= hops ? entries[entries.length - hops]!.trim() : '';
    if (entry) return withoutPort(entry);
  }
  return remoteAddress ?? null;
}

/**
 * Some proxies (Azure) forward `ip:port` or `[ipv6]:port`: the port changes with every connection,
 * so keeping it made each click of one visitor a new visitor (every click unique).
 */
function withoutPort(entry: string): string {
  const v6 = /^\[([^\]]*)\](?::\d*)?$/.exec(entry);
  if (v6) return v6[1]!;
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d*$/.exec(entry);
  return v4 ? v4[1]! : entry;
}

/**
 * COUNTRY_HEADER, lower case; empty is the default. Not a header name is a start-up error: the
 * app's Headers.get throws on it, which made every redirect the app answered a 500 without a click.
 */
function countryHeaderVar(env: Record<string, string | undefined>): string {
  const name = (env.COUNTRY_HEADER || 'cf-ipcountry').trim().toLowerCase();
  if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) throw new Error(`COUNTRY_HEADER must be an HTTP header name, not ${JSON.stringify(env.COUNTRY_HEADER)}`);
  return name;
}

const remoteAddressOf = (env: unknown) => (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;

/** CLICK_WRITER_NICE: nice levels (0-19) between the request thread and the click writer thread. */
function writerNice(env: Record<string, string | undefined>): number {
  return numberVar(env, 'CLICK_WRITER_NICE', DEFAULT_WRITER_NICE, { min: 0, max: 19, integer: true });
}
// Redirects first, the writer on what is left (19, the lowest): on 2 cores shared with the load
// generator, at equal priority the request thread sat runnable behind the writer ~1.1 s of every 5 s
// (schedstat) while the other core idled, and bench runs in the same hours gave a sustained ratio of
// 0.56-0.62 at 0 (0.59-0.62 at 5 and 10) against 0.63-0.75 at 19 (README, Performance). The writer
// still keeps up or catches up: a backlog of 50,000 clicks makes redirects wait for it
// (back-pressure), which hands it the CPU.
const DEFAULT_WRITER_NICE = 19;

/**
 * The request thread's auto-checkpoint (WAL pages) while the click writer thread checkpoints in the
 * background: measured on the sales bench, sale p99 fell from 22-25 ms to 16-19 ms (6 interleaved
 * pairs) against 4000, the request thread's CPU per sale within noise. At most ~64 MB of WAL.
 */
export const BACKSTOP_CHECKPOINT_PAGES = 16_000;

async function openClickSink(db: Db, opts: NodeRuntimeOptions, salt: string): Promise<ClickSink> {
  const writer = opts.clickWriter ?? (isLocalFile(opts.databaseUrl) ? 'thread' : 'inline');
  if (writer === 'inline') return new BufferedClickSink(db, salt, opts.clickBuffer);
  if (!isLocalFile(opts.databaseUrl)) throw new Error(`clickWriter 'thread' needs a database file, not ${opts.databaseUrl}`);
  const nice = writerNice(opts.env ?? {}); // a malformed setting is a start-up error, not the fallback below
  try {
    return await ThreadClickSink.start({ databaseUrl: opts.databaseUrl, salt, nice }, { ...opts.clickBuffer, soleWriter: !opts.sharedFile });
  } catch (err) {
    // Still correct inline, only slower: each batch then runs on the request thread.
    console.error('click writer thread did not start; writing clicks inline', String(err));
    return new BufferedClickSink(db, salt, opts.clickBuffer);
  }
}

/** The app wired for Node: libSQL (file, memory or remote), click writer thread (files) or buffered inline writer, in-process cache. */
export async function createNodeRuntime(opts: NodeRuntimeOptions) {
  const env = opts.env ?? {};
  useSyncSha256(nodeSha256Hex);
  const db = await openNodeDb(opts.databaseUrl, opts.authToken);
  const config = readConfig(env, env.ADMIN_API_KEY ? await sha256Hex(env.ADMIN_API_KEY) : null);
  const proxyHops = trustProxyHops(env);
  const countryHeader = countryHeaderVar(env);
  // RATE_LIMIT_PER_SECOND per credential (burst 2×); 0 turns the limit off (benchmarks).
  const perSecond = numberVar(env, 'RATE_LIMIT_PER_SECOND', 500, { min: 0 });
  const buckets = perSecond > 0 ? new TokenBuckets(perSecond, perSecond * 2) : null;
  const loginLimiter = loginRateLimiter(env);
  const clickSink = await openClickSink(db, opts, config.visitorSalt);
  // The click writer thread checkpoints every 250 ms; the request thread's connection then
  // checkpoints only as a backstop, so a request rarely pays for copying the WAL into the file.
  if (clickSink instanceof ThreadClickSink) await db.$client.execute(`PRAGMA wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
  const deps: AppDeps = {
    db,
    config,
    clock: opts.clock ?? systemClock,
    linkCache: new LinkCache(),
    programCache: new ProgramCache(),
    locks: new KeyedMutex(),
    rateLimiter: buckets ? { limit: (key) => buckets.take(key) } : undefined,
    loginRateLimiter: loginLimiter,
    clickSink,
    clientIp: (req, raw) => nodeClientIp(proxyHops > 0 ? req.headers.get('x-forwarded-for') : null, remoteAddressOf(raw), proxyHops),
    clientCountry: (req) => req.headers.get(countryHeader),
  };
  if (opts.sendWebhooksSoon) deps.sendWebhooksSoon = singleFlightKick(() => deliverIfDue(deps));
  const app = createApp(deps);
  const fastRedirect = nodeFastRedirect(deps, { clientIp: (fwd, remote) => nodeClientIp(fwd, remote, proxyHops), countryHeader });
  // close() drains the clicks (and stops a writer thread); the caller closes the database after it.
  return { app, deps, db, clickSink, fastRedirect, close: () => (clickSink.close ? clickSink.close() : clickSink.flush()) };
}
