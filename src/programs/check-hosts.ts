import { ValidationError } from '../lib/errors';
import { normalizeAllowedHost, validateDestination } from '../links/validate-destination';

/** Normalises allowedHosts entries; 422 naming the entry when one is not a hostname. */
export function normalizeHosts(entries: readonly string[]): string[] {
  return [
    ...new Set(
      entries.map((entry, i) => {
        const host = normalizeAllowedHost(entry);
        if (!host) throw new ValidationError(`allowedHosts.${i}`, 'must be a hostname such as example.com or *.example.com');
        return host;
      }),
    ),
  ];
}

/** Returns the normalised URL, or 422 on `field` when it is unsafe or off the allowed hosts. */
export function checkDestination(url: string, allowedHosts: readonly string[], field: string): string {
  const check = validateDestination(url, allowedHosts);
  if (!check.ok) throw new ValidationError(field, `destination refused (${check.reason})`, check.reason);
  return check.url;
}
