/**
 * Most characters of a visitor's query passed on to the destination. The request line already
 * bounds the query (16 KiB on Node); this keeps the Location header a size every browser and proxy
 * takes, whatever the destination url's own length (at most 2048).
 */
export const MAX_FORWARDED_QUERY = 2048;

/**
 * A parameter name as the destination will read it (URLSearchParams: `+` is a space, `%xx` decoded,
 * bad escapes kept), lowercased: `RCID`, `%72cid` and `rcid` are one name.
 */
export function paramKey(rawName: string): string {
  if (rawName.indexOf('%') < 0 && rawName.indexOf('+') < 0) return rawName.toLowerCase();
  // The leading '&' keeps URLSearchParams from dropping a leading '?' of the name.
  for (const name of new URLSearchParams(`&${rawName}`).keys()) return name.toLowerCase();
  return '';
}

/** The parameter keys (see `paramKey`) a destination already carries, plus the click id parameter. */
export function ownParamKeys(href: string, clickIdParam: string): ReadonlySet<string> {
  const keys = new Set<string>([paramKey(clickIdParam)]);
  for (const name of new URL(href).searchParams.keys()) keys.add(name.toLowerCase());
  return keys;
}

/**
 * The part of a visitor's raw query (without `?`) to pass on: every `&`-separated parameter, byte
 * for byte and in order, except those whose key the destination already has (its url's query, the
 * link's utm_*, the click id: the link's values win and a click id cannot be forged) and those that
 * would take the result past MAX_FORWARDED_QUERY characters.
 */
export function forwardedQuery(rawQuery: string, own: ReadonlySet<string>): string {
  let out = '';
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (own.has(paramKey(eq < 0 ? pair : pair.slice(0, eq)))) continue;
    if (out.length + (out === '' ? 0 : 1) + pair.length > MAX_FORWARDED_QUERY) continue;
    out = out === '' ? pair : `${out}&${pair}`;
  }
  return out;
}

/** `href` with `extra` (already serialised parameters) added at the end of its query, before any fragment. */
export function appendQuery(href: string, extra: string): string {
  if (extra === '') return href;
  const hash = href.indexOf('#');
  const base = hash < 0 ? href : href.slice(0, hash);
  const fragment = hash < 0 ? '' : href.slice(hash);
  const q = base.indexOf('?');
  const sep = q < 0 ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return `${base}${sep}${extra}${fragment}`;
}

/** The raw query of a request URL (after the first `?`, without a fragment), '' when none. */
export function rawQueryOf(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return '';
  const hash = url.indexOf('#', q);
  return hash < 0 ? url.slice(q + 1) : url.slice(q + 1, hash);
}
