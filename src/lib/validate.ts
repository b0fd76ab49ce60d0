import { zValidator } from '@hono/zod-validator';
import type { Context, ValidationTargets } from 'hono';
import type { z } from 'zod';
import { ApiError, ValidationError } from './errors';

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/**
 * Hono's json validator silently reads a body sent with another Content-Type as `{}`, so a
 * `text/plain` request to a route whose fields are all optional would write defaults. A non-empty
 * body must say it is JSON; a request without a body still validates as `{}`.
 */
async function refuseNonJsonBody(c: Context) {
  const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
  if (JSON_MEDIA_TYPE.test(mediaType) || c.req.raw.body === null) return;
  if ((await c.req.text()).length === 0) return;
  throw new ApiError('bad_request', 'Content-Type must be application/json', 'unsupported_content_type');
}

/**
 * zod validation for a request part; failures become 422 `validation_failed` naming the first
 * offending field (`utm.source`, `allowedHosts.2`).
 */
export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  const inner = zValidator(target, schema, (result) => {
    if (!result.success) {
      const issue = result.error.issues[0];
      const path = issue ? [...issue.path, ...(issue.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : [])] : [];
      const field = path.length > 0 ? path.join('.') : target;
      throw new ValidationError(field, issue?.message ?? 'invalid');
    }
  });
  if (target !== 'json') return inner;
  return (async (c, next) => {
    await refuseNonJsonBody(c);
    return inner(c, next);
  }) as typeof inner;
}
