/**
 * Whether a URL's hostname (as WHATWG URL normalised it: `127.0.0.1` for `2130706433` or
 * `0x7f.1`, `[::ffff:7f00:1]` for a v4-mapped v6 address) names this machine or a private network:
 * localhost and the `.localhost`, `.local`, `.internal` names, and IP literals that are loopback,
 * private, link-local (cloud metadata at 169.254.169.254), shared (100.64/10), unspecified,
 * benchmarking, multicast or reserved. A public name that resolves to such an address is not
 * caught here (that would take a resolver at delivery time).
 */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || /\.(localhost|local|internal)$/.test(host)) return true;
  const v4 = parseV4(host);
  if (v4) return isPrivateV4(v4);
  if (host.startsWith('[') && host.endsWith(']')) return isPrivateV6(host.slice(1, -1));
  return false;
}

function parseV4(host: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return m ? m.slice(1).map(Number) : null;
}

function isPrivateV4([a, b]: number[]): boolean {
  return (
    a === 0 || a === 10 || a === 127 || a! >= 224 || // this network, private, loopback, multicast and reserved
    (a === 100 && b! >= 64 && b! <= 127) || // shared address space (carrier-grade NAT)
    (a === 169 && b === 254) || // link-local, cloud metadata
    (a === 172 && b! >= 16 && b! <= 31) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) // benchmarking
  );
}

function isPrivateV6(v6: string): boolean {
  if (v6 === '::' || v6 === '::1') return true;
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
  if (mapped) {
    const hi = parseInt(mapped[1]!, 16);
    const lo = parseInt(mapped[2]!, 16);
    return isPrivateV4([hi >> 8, hi & 255, lo >> 8, lo & 255]);
  }
  const first = parseInt(v6.split(':')[0] || '0', 16);
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xff00) === 0xff00; // unique local, link-local, multicast
}
