/**
 * The part of a client address that per-IP rate limits count by. An IPv4 address is itself; an
 * IPv6 address is its /64 network, the block one subscriber or server is usually given, so a
 * client cannot step around a limit by walking the 2^64 addresses it owns. IPv4-mapped IPv6
 * (`::ffff:192.0.2.1`) counts as its IPv4 address. Anything that does not parse is returned as
 * written (lower-cased), so it still has a bucket of its own.
 */
export function ipSubject(ip: string): string {
  const raw = ip.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!raw.includes(':')) return raw;
  const mapped = /^(?:0{0,4}:){0,5}(?:0{0,4}:)?ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(raw);
  if (mapped) return mapped[1]!;
  const hextets = expand(raw);
  return hextets ? `${hextets.slice(0, 4).join(':')}::/64` : raw;
}

/** The eight hextets of an IPv6 address without a dotted tail (leading zeros dropped), or null. */
function expand(ip: string): string[] | null {
  const halves = ip.split('::');
  if (halves.length > 2) return null;
  const part = (s: string) => (s === '' ? [] : s.split(':'));
  const head = part(halves[0]!);
  const tail = halves.length === 2 ? part(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!all.every((h) => /^[0-9a-f]{1,4}$/.test(h))) return null;
  return all.map((h) => h.replace(/^0+(?=.)/, ''));
}
