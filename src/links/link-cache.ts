import { generateCookie } from 'hono/cookie';
import type { Db } from '../db/client';
import { findRedirectTarget } from '../db/queries/links';
import { LruCache } from '../lib/lru';
import { DAY_MS } from '../lib/time';
import { compileDestination, type CompiledDestination } from './build-destination';
import { ownParamKeys } from './forward-query';
import { validateDestination } from './validate-destination';

type TargetRow = NonNullable<Awaited<ReturnType<typeof findRedirectTarget>>>;

/** A redirect target with the per-link work done once: its parsed destination and cookie attributes. */
export type RedirectTarget = TargetRow & {
  destination: CompiledDestination;
  /** `; Max-Age=…; Path=/; HttpOnly; Secure; SameSite=Lax` — what follows `rcid=<click id>`. */
  cookieAttributes: string;
  /** The same with `; Domain=<the program's cookieDomain>`, for a request whose host is in it; null without one. */
  domainCookieAttributes: string | null;
  /** For a link that redirects to the defaultUrl without a click (archived, partner not active): the keys a visitor's query cannot set there. */
  defaultUrlParams: ReadonlySet<string> | null;
};

export const CLICK_COOKIE = 'rcid';
/** Browsers cap cookie lifetimes at 400 days (RFC 6265bis) and Hono's cookie helpers throw above it. */
const MAX_COOKIE_AGE_SECONDS = 400 * 86_400;

/**
 * A link's url, or the program's defaultUrl when the url's host was since removed from the
 * program's allowedHosts: reflink never redirects off the allowed hosts (a lapsed domain someone
 * else bought), and the partner's clicks still count. Checked once per cache fill, not per click.
 */
function allowedUrl(row: TargetRow): string {
  return validateDestination(row.url, row.allowedHosts).ok ? row.url : row.defaultUrl;
}

function prepare(row: TargetRow): RedirectTarget {
  const attributes = (domain?: string) =>
    generateCookie(CLICK_COOKIE, '', {
      path: '/',
      secure: true,
      httpOnly: true,
      sameSite: 'Lax',
      maxAge: Math.min(Math.floor((row.windowDays * DAY_MS) / 1000), MAX_COOKIE_AGE_SECONDS),
      domain,
    }).slice(CLICK_COOKIE.length + 1);
  return {
    ...row,
    destination: compileDestination(allowedUrl(row), row.clickIdParam, row.utm),
    cookieAttributes: attributes(),
    domainCookieAttributes: row.cookieDomain ? attributes(row.cookieDomain) : null,
    defaultUrlParams: row.archived || row.partnerStatus !== 'active' ? ownParamKeys(row.defaultUrl, row.clickIdParam) : null,
  };
}

/**
 * In-isolate LRU in front of the redirect lookup. Entries live a short TTL so other isolates'
 * changes show up quickly; writes in this isolate clear it at once. Misses are cached briefly
 * too, so a flood of unknown codes does not reach the database.
 *
 * Invalidation while a lookup reads: a lookup that read the database before a write in this isolate
 * committed may finish after that write cleared the cache; it then answers its own request with
 * what it read but does not cache it, or the old row would be served until the TTL ends. `clear()`
 * (an update, archive, program or partner change) spoils every lookup in flight; `forget(code)` (a
 * create) only that code's, so a steady stream of creations never keeps other links out of the cache.
 */
export class LinkCache {
  private readonly lru: LruCache<string, RedirectTarget | null>;
  /** Bumped by every clear(); a lookup caches its row only if none happened while it read. */
  private epoch = 0;
  /** Lookups in flight per code; forget(code) marks that code's stale. Empty when none reads. */
  private readonly reading = new Map<string, Set<{ stale: boolean }>>();

  constructor(
    opts: { max?: number; ttlMs?: number; missTtlMs?: number } = {},
    private readonly missTtlMs = opts.missTtlMs ?? 5_000,
  ) {
    this.lru = new LruCache(opts.max ?? 10_000, opts.ttlMs ?? 30_000);
  }

  /** The cached entry without touching the database: undefined when not cached, null for a cached miss. */
  peek(codeKey: string): RedirectTarget | null | undefined {
    return this.lru.get(codeKey);
  }

  async lookup(db: Db, codeKey: string): Promise<RedirectTarget | null> {
    const hit = this.lru.get(codeKey);
    if (hit !== undefined) return hit;
    const epoch = this.epoch;
    const read = { stale: false };
    let readers = this.reading.get(codeKey);
    if (!readers) this.reading.set(codeKey, (readers = new Set()));
    readers.add(read);
    let row;
    try {
      row = await findRedirectTarget(db, codeKey);
    } finally {
      readers.delete(read);
      if (readers.size === 0 && this.reading.get(codeKey) === readers) this.reading.delete(codeKey);
    }
    const target = row ? prepare(row) : null;
    if (epoch === this.epoch && !read.stale) this.lru.set(codeKey, target, target ? undefined : this.missTtlMs);
    return target;
  }

  /** Drops one code (a cached miss for a code that now exists, after a create), also from lookups of it in flight. */
  forget(codeKey: string): void {
    for (const read of this.reading.get(codeKey) ?? []) read.stale = true;
    this.lru.delete(codeKey);
  }

  clear(): void {
    this.epoch++;
    this.lru.clear();
  }
}
