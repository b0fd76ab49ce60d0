import type { Utm } from '../db/schema';

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
