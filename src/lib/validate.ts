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
      const field = issue && issue.path.length > 0 ? issue.path.join('.') : target;
      throw new ValidationError(field, issue?.message ?? 'invalid');
    }
  });
}
