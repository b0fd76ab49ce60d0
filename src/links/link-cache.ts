import type { Db } from '../db/client';
import { findRedirectTarget } from '../db/queries/links';
import { LruCache } from '../lib/lru';

export type RedirectTarget = NonNullable<Awaited<ReturnType<typeof findRedirectTarget>>>;

/**
 * In-isolate LRU in front of the redirect lookup. Entries live a short TTL so other isolates'
 * changes show up quickly; writes in this isolate clear it at once. Misses are cached briefly
 * too, so a flood of unknown codes does not reach the database.
 */
export class LinkCache {
  private readonly lru: LruCache<string, RedirectTarget | null>;

  constructor(
    opts: { max?: number; ttlMs?: number; missTtlMs?: number } = {},
    private readonly missTtlMs = opts.missTtlMs ?? 5_000,
  ) {
    this.lru = new LruCache(opts.max ?? 10_000, opts.ttlMs ?? 30_000);
  }

  async lookup(db: Db, codeKey: string): Promise<RedirectTarget | null> {
    const hit = this.lru.get(codeKey);
    if (hit !== undefined) return hit;
    const target = await findRedirectTarget(db, codeKey);
    this.lru.set(codeKey, target, target ? undefined : this.missTtlMs);
    return target;
  }

  /** Drops one code (a cached miss for a code that now exists, after a create). */
  forget(codeKey: string): void {
    this.lru.delete(codeKey);
  }

  clear(): void {
    this.lru.clear();
  }
}
