import { ValidationError } from '../lib/errors';
import { normalizeAllowedHost } from '../links/validate-destination';

// Two or more DNS labels ending in a letters-only (or punycode) top-level label: a registrable-looking
// name, never an IP address or a bare `localhost`/`com`.
const DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * A program's cookieDomain as stored: lower-case ASCII (punycode) without a leading dot, or null to
 * clear it. 422 `invalid_cookie_domain` for a scheme, port, path, wildcard, IP address or single label.
 * (Browsers also refuse a public suffix such as `co.uk`; that list is theirs, not checked here.)
 */
export function normalizeCookieDomain(entry: string | null): string | null {
  if (entry === null) return null;
  const refuse = () => new ValidationError('cookieDomain', 'must be a domain such as shop.com (no scheme, port, path or wildcard)', 'invalid_cookie_domain');
  const raw = entry.startsWith('.') ? entry.slice(1) : entry;
  if (raw.startsWith('*') || /[/\\?#@:%[\]\s]/.test(raw) || raw.endsWith('.')) throw refuse();
  const host = normalizeAllowedHost(raw);
  if (host === null || !DOMAIN.test(host)) throw refuse();
  return host;
}
