const GMAIL = new Set(['gmail.com', 'googlemail.com']);

/**
 * Canonical mailbox for comparing people: lower-case, "+tag" dropped everywhere, and for Gmail
 * dots ignored and googlemail.com folded into gmail.com.
 */
export function canonicalEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 0) return email.trim().toLowerCase();
  let local = email.slice(0, at).trim().toLowerCase();
  let domain = email.slice(at + 1).trim().toLowerCase().replace(/\.$/, '');
  local = local.split('+')[0]!;
  if (GMAIL.has(domain)) {
    local = local.replace(/\./g, '');
    domain = 'gmail.com';
  }
  return `${local}@${domain}`;
}

/** A partner referring themselves: same mailbox, or the same external id. */
export function isSelfReferral(
  partner: { email: string; externalId: string | null },
  customer: { email?: string | null; externalId: string },
): boolean {
  if (partner.externalId && partner.externalId === customer.externalId) return true;
  return !!customer.email && canonicalEmail(customer.email) === canonicalEmail(partner.email);
}
