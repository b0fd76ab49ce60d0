import { customAlphabet } from 'nanoid';

/** No 0/O, 1/I/l: codes are read aloud and typed from screenshots. */
const unambiguous = '23456789abcdefghjkmnpqrstuvwxyz';
export const generateCode = customAlphabet(unambiguous, 8);

/** Paths the app serves itself or may serve soon; a code can never shadow them. */
export const RESERVED_CODES = new Set([
  'v1', 'v2', 'api', 'portal', 'health', 'healthz', 'js', 'assets', 'static', 'admin', 'app',
  'login', 'logout', 'signup', 'favicon.ico', 'robots.txt', 'sitemap.xml', 'docs', 'www', 'metrics',
  'status', 'well-known', '.well-known', 'track', 'public', 'dashboard', 'settings',
]);

export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{1,49}$/;

export function normalizeCode(code: string): string {
  return code.toLowerCase();
}
