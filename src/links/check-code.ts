import { CODE_PATTERN, RESERVED_CODES, normalizeCode } from '../lib/codes';
import { ValidationError } from '../lib/errors';

/** A requested vanity code must look like a code and not shadow a route; returns its lookup key. */
export function checkCode(code: string, field = 'code'): string {
  if (!CODE_PATTERN.test(code)) {
    throw new ValidationError(field, 'must be 2-50 letters, digits, "-" or "_", starting with a letter or digit', 'invalid_code');
  }
  const key = normalizeCode(code);
  if (RESERVED_CODES.has(key)) throw new ValidationError(field, `"${code}" is reserved`, 'reserved_code');
  return key;
}
