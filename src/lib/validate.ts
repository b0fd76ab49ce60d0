import { zValidator } from '@hono/zod-validator';
import type { Context, ValidationTargets } from 'hono';
import { z } from 'zod';
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
 * The query parameters each query validator accepts, keyed by the validator middleware itself:
 * refuseUnvalidatedQuery (on /v1/*) finds the validator among the handlers of the route a request
 * matched, so a route without one accepts no parameter at all.
 */
const acceptedByValidator = new WeakMap<object, readonly string[]>();

/** The parameters a route handler (or middleware) accepts when it is a query validator, else undefined. */
export function queryParamsAcceptedBy(handler: object): readonly string[] | undefined {
  return acceptedByValidator.get(handler);
}

/** 422 `validation_failed`, reason `unknown_parameter`, naming the parameter and what the route takes. */
export function unknownParameter(name: string, accepted: readonly string[]) {
  const takes = accepted.length > 0 ? `takes ${accepted.join(', ')}` : 'takes no query parameters';
  // `?=1` names nothing: the field is then the query itself, as for any issue without a path.
  if (name === '') return new ValidationError('query', `a parameter without a name (this route ${takes})`, 'unknown_parameter');
  return new ValidationError(name, `unknown query parameter (this route ${takes})`, 'unknown_parameter');
}

type QuerySchema = z.ZodObject;

/**
 * zod validation for a request part; failures become 422 `validation_failed` naming the first
 * offending field (`utm.source`, `allowedHosts.2`). A query schema is an object and is applied
 * strictly: a parameter it does not name is 422 `unknown_parameter`, never ignored (a typo such as
 * `?partner_id=` would otherwise return the unfiltered list).
 */
export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(
  target: Target,
  schema: Target extends 'query' ? T & QuerySchema : T,
) {
  const isQuery = target === 'query';
  if (isQuery && !(schema instanceof z.ZodObject)) throw new Error('validate("query", schema): the schema must be a zod object');
  const accepted = isQuery ? Object.keys((schema as unknown as QuerySchema).shape) : [];
  const applied = isQuery ? ((schema as unknown as QuerySchema).strict() as unknown as T) : schema;
  const inner = zValidator(target, applied, (result) => {
    if (!result.success) {
      const unknown = isQuery ? result.error.issues.find((i) => i.code === 'unrecognized_keys') : undefined;
      if (unknown) throw unknownParameter(unknown.keys[0] ?? '', accepted);
      const issue = result.error.issues[0];
      const path = issue ? [...issue.path, ...(issue.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : [])] : [];
      const field = path.length > 0 ? path.join('.') : target;
      throw new ValidationError(field, issue?.message ?? 'invalid');
    }
  });
  if (isQuery) acceptedByValidator.set(inner, accepted);
  if (target !== 'json') return inner;
  return (async (c, next) => {
    await refuseNonJsonBody(c);
    return inner(c, next);
  }) as typeof inner;
}
