import { sql } from 'drizzle-orm';
import type { Db } from './client';

/**
 * A query built once per database handle: for drizzle's prepared queries (`.prepare()` with
 * `sql.placeholder`s), whose SQL is rendered once so each call only binds values. Building a select
 * per call (drizzle walks the whole query tree to render it) was about half of a lead's CPU.
 */
export function perDb<Q>(build: (db: Db) => Q): (db: Db) => Q {
  const built = new WeakMap<Db, Q>();
  return (db) => {
    let q = built.get(db);
    if (!q) built.set(db, (q = build(db)));
    return q;
  };
}

/** The same, one query per list length n: for an `IN (…)` over `inList(n)`, bound with `inArgs(values)`. */
export function perDbAndSize<Q>(build: (db: Db, n: number) => Q): (db: Db, n: number) => Q {
  const built = perDb(() => new Map<number, Q>());
  return (db, n) => {
    const bySize = built(db);
    let q = bySize.get(n);
    if (!q) bySize.set(n, (q = build(db, n)));
    return q;
  };
}

export const inList = (n: number) => Array.from({ length: n }, (_, i) => sql.placeholder(`v${i}`));
export const inArgs = (values: readonly string[]): Record<string, string> => Object.fromEntries(values.map((v, i) => [`v${i}`, v]));
