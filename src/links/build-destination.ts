import type { Utm } from '../db/schema';
import { appendQuery, forwardedQuery, ownParamKeys } from './forward-query';

/**
 * The URL a click is sent to: the link's url with the click id and the link's utm_* parameters
 * added. The url's own query (including its own utm_* values, which win) and fragment are kept.
 */
export function buildDestination(url: string, clickIdParam: string, clickId: string | null, utm: Utm | null): string {
  const target = new URL(url);
  if (utm) {
    for (const [k, v] of Object.entries(utm)) {
      const name = `utm_${k}`;
      if (v && !target.searchParams.has(name)) target.searchParams.set(name, v);
    }
  }
  if (clickId) target.searchParams.set(clickIdParam, clickId);
  return target.href;
}

/** A link's destination parsed once: per click only the id is put in (see `compileDestination`). */
export interface CompiledDestination {
  /** The destination without a click id (HEAD requests). */
  readonly withoutClick: string;
  withClick(clickId: string): string;
  /** Parameter keys a visitor's query cannot set here (see `forwardedQuery`). */
  readonly ownParams: ReadonlySet<string>;
}

/**
 * The Location of a redirect: the compiled destination, with or without a click id, plus what may
 * be passed on of the visitor's raw query. Without a query it is the compiled string as is.
 */
export function destinationWith(dest: CompiledDestination, clickId: string | null, rawQuery: string): string {
  const href = clickId === null ? dest.withoutClick : dest.withClick(clickId);
  return rawQuery === '' ? href : appendQuery(href, forwardedQuery(rawQuery, dest.ownParams));
}

const MARK = 'rEfLiNkClIcKiDmArK';
/** Characters URLSearchParams writes unchanged, so a click id can be spliced into the serialised URL. */
const PLAIN = /^[A-Za-z0-9_.*-]*$/;

/**
 * `buildDestination` with the URL work done once per link (the redirect caches the result): the
 * query is serialised with a marker where the click id goes, and each click is a string concat.
 * Ids outside URLSearchParams' unescaped set, or a url that already contains the marker, take the
 * exact slow path.
 */
export function compileDestination(url: string, clickIdParam: string, utm: Utm | null): CompiledDestination {
  const withoutClick = buildDestination(url, clickIdParam, null, utm);
  const ownParams = ownParamKeys(withoutClick, clickIdParam);
  const marked = withoutClick.includes(MARK) ? null : buildDestination(url, clickIdParam, MARK, utm);
  const at = marked?.indexOf(MARK) ?? -1;
  if (!marked || at < 0 || marked.indexOf(MARK, at + 1) >= 0) {
    return { withoutClick, ownParams, withClick: (clickId) => buildDestination(url, clickIdParam, clickId, utm) };
  }
  const head = marked.slice(0, at);
  const tail = marked.slice(at + MARK.length);
  return {
    withoutClick,
    ownParams,
    withClick: (clickId) => (PLAIN.test(clickId) ? head + clickId + tail : buildDestination(url, clickIdParam, clickId, utm)),
  };
}
