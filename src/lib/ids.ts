import { customAlphabet } from 'nanoid';

export type IdPrefix = 'prg' | 'ptn' | 'lnk' | 'clk' | 'cus' | 'evt' | 'com' | 'pay' | 'rwd' | 'key';

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const body = customAlphabet(alphabet, 20);

/** A nanoid with a type prefix, e.g. `prg_3xQ…`; 20 base62 chars ≈ 119 bits. */
export function newId<P extends IdPrefix>(prefix: P): `${P}_${string}` {
  return `${prefix}_${body()}`;
}

export function hasPrefix(id: string, prefix: IdPrefix): boolean {
  return id.startsWith(`${prefix}_`) && id.length <= 64;
}
