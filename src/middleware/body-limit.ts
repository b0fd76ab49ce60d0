import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../lib/errors';

type IncomingLike = Pick<IncomingMessage, 'headers' | 'readableEnded' | 'on'>;

const utf8 = new TextDecoder();

/** The body as text, or null once it passes `max` bytes (the rest is read and dropped). */
function readIncoming(incoming: IncomingLike, max: number): Promise<string | null> {
  if (incoming.readableEnded) return Promise.resolve('');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
    });
    incoming.on('end', () => resolve(size > max ? null : utf8.decode(Buffer.concat(chunks))));
    incoming.on('error', reject);
  });
}

const incompleteBody = () => new ApiError('bad_request', 'Request body ended before its declared length', 'incomplete_body');

/**
 * The portable path (app.request, Workers): Hono's bodyLimit reads a body without Content-Length
 * itself, and a declared one is read later by the validator; a stream that fails in either place
 * (the client went away) is bad input, not a 500. So the body is read into Hono's cache here,
 * where a read error can be told apart from an error of the route.
 */
async function readPortable(c: Context, next: () => Promise<void>, portable: MiddlewareHandler) {
  let reachedNext = false;
  try {
    return await portable(c, async () => {
      if (c.req.raw.body) await c.req.text().catch(() => Promise.reject(incompleteBody()));
      reachedNext = true;
      return next();
    });
  } catch (err) {
    throw reachedNext || err instanceof ApiError ? err : incompleteBody();
  }
}

/**
 * Hono's bodyLimit, plus a Node fast path: under @hono/node-server the body is read straight from
 * node:http's IncomingMessage into Hono's body cache, so `c.req.json()`/`text()` never make the
 * adapter build a fetch Request and a web stream for it (about a tenth of a tracked sale's CPU).
 * Same limit, same `onError`, same text (UTF-8, BOM dropped, as `Request.text()` decodes).
 */
export function limitBody(maxSize: number, onError: (c: Context) => Response | Promise<Response>): MiddlewareHandler {
  const portable = bodyLimit({ maxSize, onError });
  return async (c, next) => {
    const incoming = (c.env as { incoming?: IncomingLike } | undefined)?.incoming;
    if (!incoming || c.req.method === 'GET' || c.req.method === 'HEAD') return readPortable(c, next, portable);
    const declared = Number(incoming.headers['content-length']);
    if (declared > maxSize && !incoming.headers['transfer-encoding']) return onError(c);
    // A client that goes away mid-body makes node:http emit 'error' ("aborted"): bad input, not a 500.
    const text = await readIncoming(incoming, maxSize).catch(() => Promise.reject(incompleteBody()));
    if (text === null) return onError(c);
    (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(text);
    return next();
  };
}
