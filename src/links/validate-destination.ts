/**
 * Destination URL safety for short links: a link may only redirect to an http(s) URL whose host
 * is on the program's allow-list. Parsing follows the WHATWG URL standard (the same parser the
 * browser following our redirect uses), so what we check is what the browser will visit.
 */

export type DestinationCheck = { ok: true; url: string; host: string } | { ok: false; reason: string };

const MAX_URL_LENGTH = 2048;

// C0 controls, space, DEL and C1 controls. The URL parser silently strips tabs/newlines
// ("java\tscript:" → "javascript:") and trims C0/space, so we refuse them before parsing.
const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f-\u009f]/;

// Only the explicit absolute form: the parser also accepts "https:example.com" and
// "https:/example.com" (special-scheme leniency), which we reject as ambiguous.
const EXPLICIT_HTTP_PREFIX = /^https?:\/\//i;

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const BRACKETED_IPV6 = /^\[[0-9a-f:.]+\]$/i;
// What a punycoded DNS name can contain (underscore appears in real-world hosts). The URL
// parser lets through others such as "*", "!" or "$", which no real host uses.
const HOST_NAME_CHARS = /^[a-z0-9._-]+$/;

/**
 * Checks `raw` against `allowedHosts` (entries as accepted by `normalizeAllowedHost`; invalid
 * entries are ignored). The host must equal an entry, or be a strict subdomain of a `*.` entry.
 * Ports are allowed when the host is allowed: the allow-list is about who serves the page, and
 * the same host on another port is still that owner's server.
 * Returns the normalised href (lowercase punycode host, no trailing dot, default port dropped);
 * both `raw` and the href are at most MAX_URL_LENGTH characters.
 */
export function validateDestination(raw: string, allowedHosts: readonly string[]): DestinationCheck {
  if (typeof raw !== 'string' || raw.length === 0) return fail('invalid_url');
  if (raw.length > MAX_URL_LENGTH) return fail('too_long');
  if (CONTROL_OR_SPACE.test(raw)) return fail('control_characters');
  // Browsers treat "\" as "/" in special URLs, so "https://evil.com\@example.com" is a classic
  // allow-list bypass; no legitimate destination needs a raw backslash.
  if (raw.includes('\\')) return fail('invalid_url');

  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail('invalid_url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail('scheme_not_allowed');
  if (!EXPLICIT_HTTP_PREFIX.test(raw)) return fail('invalid_url');

  // "https://@example.com" parses to empty credentials, so check the raw authority as well.
  const authority = raw.slice(raw.indexOf('//') + 2).split(/[/?#]/, 1)[0] ?? '';
  if (url.username !== '' || url.password !== '' || authority.includes('@')) {
    return fail('credentials_not_allowed');
  }

  const host = stripTrailingDot(url.hostname.toLowerCase());
  if (!isPlausibleHost(host)) return fail('host_not_allowed');
  if (!hostAllowed(host, allowedHosts)) return fail('host_not_allowed');

  url.hostname = host;
  // Percent-encoding can grow a URL up to ninefold ("é" → "%C3%A9"): the limit holds for what is stored.
  if (url.href.length > MAX_URL_LENGTH) return fail('too_long');
  return { ok: true, url: url.href, host };
}

/**
 * Normalises one allow-list entry: lowercase, punycode, trailing dot removed, leading `*.` kept.
 * Returns null for anything that is not a bare host name: schemes, paths, ports, userinfo,
 * whitespace, `%`, empty labels, a wildcard anywhere but the front, a wildcard over a single
 * label (`*.com`), or an IP literal that is not written in its canonical form
 * (`127.0.0.1` and `[::1]` are fine; `2130706433` or `0x7f.1` are not).
 */
export function normalizeAllowedHost(entry: string): string | null {
  if (typeof entry !== 'string' || entry.length === 0 || entry.length > 253) return null;
  if (CONTROL_OR_SPACE.test(entry)) return null;

  const wildcard = entry.startsWith('*.');
  const rest = wildcard ? entry.slice(2) : entry;
  if (rest.length === 0 || rest.includes('*')) return null;

  if (BRACKETED_IPV6.test(rest)) {
    if (wildcard) return null;
    const hostname = parseHostname(rest);
    return hostname !== null && hostname === rest.toLowerCase() ? hostname : null;
  }
  if (/[/\\?#@:%[\]]/.test(rest)) return null;

  const parsed = parseHostname(rest);
  if (parsed === null) return null;
  const hostname = stripTrailingDot(parsed);
  if (!isPlausibleHost(hostname)) return null;

  if (IPV4.test(hostname)) {
    if (wildcard || hostname !== stripTrailingDot(rest)) return null;
    return hostname;
  }
  if (wildcard) {
    if (!hostname.includes('.')) return null;
    return `*.${hostname}`;
  }
  return hostname;
}

function parseHostname(host: string): string | null {
  try {
    const url = new URL(`http://${host}`);
    if (url.port !== '' || url.pathname !== '/' || url.search !== '' || url.hash !== '') return null;
    if (url.username !== '' || url.password !== '') return null;
    return url.hostname.toLowerCase();
  } catch {
    return null;
  }
}

function hostAllowed(host: string, allowedHosts: readonly string[]): boolean {
  for (const rawEntry of allowedHosts) {
    const entry = normalizeAllowedHost(rawEntry);
    if (entry === null) continue;
    if (entry.startsWith('*.')) {
      // Suffix includes the dot, so "evil-example.com" and "example.com" itself never match.
      const suffix = entry.slice(1);
      if (host.length > suffix.length && host.endsWith(suffix)) return true;
    } else if (host === entry) {
      return true;
    }
  }
  return false;
}

function isPlausibleHost(host: string): boolean {
  if (BRACKETED_IPV6.test(host)) return true;
  return HOST_NAME_CHARS.test(host) && !host.split('.').includes('');
}

function stripTrailingDot(host: string): string {
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

function fail(reason: string): DestinationCheck {
  return { ok: false, reason };
}
