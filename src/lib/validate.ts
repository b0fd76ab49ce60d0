import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
import { ValidationError } from './errors';

/**
 * zod validation for a request part; failures become 422 `validation_failed` naming the first
 * offending field (`utm.source`, `allowedHosts.2`).
 */
export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      const issue = result.error.issues[0];
      const path = issue ? [...issue.path, ...(issue.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : [])] : [];
      const field = path.length > 0 ? path.join('.') : target;
      throw new ValidationError(field, issue?.message ?? 'invalid');
    }
  });
}
