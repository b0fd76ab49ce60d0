/**
 * One error shape for the whole API: domain code throws an ApiError (or a subclass),
 * `onError` renders `{"error":{"code","message","requestId"}}` with the status mapped here.
 */
export type ErrorCode =
  | 'bad_request'
  | 'invalid_json'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'validation_failed'
  | 'rate_limited'
  | 'internal_error';

export function statusOf(code: ErrorCode): 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 500 {
  switch (code) {
    case 'bad_request':
    case 'invalid_json':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'payload_too_large':
      return 413;
    case 'validation_failed':
      return 422;
    case 'rate_limited':
      return 429;
    case 'internal_error':
      return 500;
  }
}

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** A more specific machine-readable reason, e.g. `host_not_allowed` or `code_taken`. */
    readonly reason?: string,
    readonly field?: string,
    /** Sent as Retry-After (seconds) when the same request can succeed a little later. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
  get status() {
    return statusOf(this.code);
  }
}

export class NotFoundError extends ApiError {
  constructor(what: string) {
    super('not_found', `${what} not found`);
  }
}

export class ConflictError extends ApiError {
  constructor(message: string, reason?: string) {
    super('conflict', message, reason);
  }
}

export class ValidationError extends ApiError {
  constructor(field: string, message: string, reason?: string) {
    super('validation_failed', `${field}: ${message}`, reason, field);
  }
}

/** The one error body: `{"error":{"code","message","requestId",…}}`. */
export function errorBody(code: ErrorCode, message: string, requestId: string, extra: Record<string, unknown> = {}) {
  return { error: { code, message, requestId, ...extra } };
}

/** Logs a failure nobody expected (a 500), by request id; never request data. */
export function logUnhandled(requestId: string, err: unknown) {
  console.error('unhandled error', { requestId, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
}
