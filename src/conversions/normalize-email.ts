/**
 * A customer's email as tracking stores and matches it: without surrounding spaces and with the
 * domain lower-case (domains ignore case), the local part as sent (it may not: RFC 5321 §2.4, so
 * `Bob@Example.ORG` is kept as `Bob@example.org`).
 */
export function normalizeEmail(email: string): string {
  const trimmed = email.trim();
  const at = trimmed.lastIndexOf('@');
  return at < 0 ? trimmed : trimmed.slice(0, at + 1) + trimmed.slice(at + 1).toLowerCase();
}
