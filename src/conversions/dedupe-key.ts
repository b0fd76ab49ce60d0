/**
 * A conversion's dedupe key: its parts joined by ':', each with '%' written %25 and ':' written
 * %3A, so distinct parts never meet on one key (customer "a:b" with event "c" against customer "a"
 * with event "b:c"). Parts without either character read as they did before escaping (migration
 * 0008 rewrote the stored keys that had one).
 */
export function dedupeKey(...parts: string[]): string {
  return parts.map((p) => p.replaceAll('%', '%25').replaceAll(':', '%3A')).join(':');
}
