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

/**
 * A decoded, lowercased parameter name as PHP reads it (and, for the `[…]` part, Rack and Express's
 * qs): the name before a `[` (`rcid[]`, `rcid[0]` fill `rcid`), spaces and dots as `_` (`utm.source`
 * and `utm source` are `utm_source`), leading spaces dropped. PHP keeps the last of equal names.
 */
export function frameworkKey(key: string): string {
  const name = key.replace(/^ +/, '');
  const bracket = name.indexOf('[');
  return (bracket > 0 ? name.slice(0, bracket) : name).replace(/[. ]/g, '_');
}

/**
 * The parameter keys (see `paramKey`) a destination already carries, plus the click id parameter,
 * each also as a framework reads it (`frameworkKey`).
 */
export function ownParamKeys(href: string, clickIdParam: string): ReadonlySet<string> {
  const keys = new Set<string>([paramKey(clickIdParam)]);
  for (const name of new URL(href).searchParams.keys()) keys.add(name.toLowerCase());
  for (const key of [...keys]) keys.add(frameworkKey(key));
  return keys;
}

/**
 * Whether a raw `name=value` pair may name one of `own` as some destination reads it: by its
 * URLSearchParams name, by a framework's (`frameworkKey`), or by the name of any `;`-separated part
 * (parsers that split on `;` too: Python before 3.9.2, with Django keeping the last value).
 */
export function namesOwn(pair: string, own: ReadonlySet<string>): boolean {
  for (const part of pair.indexOf(';') < 0 ? [pair] : pair.split(';')) {
    const eq = part.indexOf('=');
    const key = paramKey(eq < 0 ? part : part.slice(0, eq));
    if (own.has(key) || own.has(frameworkKey(key))) return true;
  }
  return false;
}

/**
 * The part of a visitor's raw query (without `?`) to pass on: every `&`-separated parameter, byte
 * for byte and in order, except those that may name a key the destination already has (its url's
 * query, the link's utm_*, the click id: the link's values win and a click id cannot be forged,
 * however the destination's framework reads names — see `namesOwn`) and those that would take the
 * result past MAX_FORWARDED_QUERY characters.
 */
export function forwardedQuery(rawQuery: string, own: ReadonlySet<string>): string {
  let out = '';
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    if (namesOwn(pair, own)) continue;
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
