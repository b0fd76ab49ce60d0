import { createServer, STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { getRequestListener, RequestError } from '@hono/node-server';
import type { createNodeRuntime } from './node-runtime';
import { errorBody, logUnhandled } from './lib/errors';

type NodeRuntime = Awaited<ReturnType<typeof createNodeRuntime>>;

/**
 * The HTTP server for the Node runtime: cached `GET /:code` redirects are answered by the node:http
 * fast path (src/links/node-fast-redirect.ts), everything else by the Hono app through
 * @hono/node-server, exactly as `serve()` would run it.
 */
export function createNodeServer(runtime: Pick<NodeRuntime, 'app' | 'fastRedirect'>): Server {
  const app = getRequestListener(runtime.app.fetch, { errorHandler: adapterErrorResponse });
  const fast = runtime.fastRedirect;
  const server = createServer((req, res) => {
    if (!fast(req, res)) void app(req, res);
  });
  server.on('clientError', answerClientError);
  return server;
}

/** node:http's own refusals (what its parser cannot read), as `[status, reason]`. */
function clientErrorStatus(code: string | undefined): [number, string] {
  if (code === 'HPE_HEADER_OVERFLOW') return [431, 'headers_too_large'];
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, 'request_timeout'];
  return [400, 'malformed_request'];
}

/**
 * A request node:http's parser refuses (a duplicate Content-Length, a bad chunk, headers over
 * 16 KiB) never reaches the adapter; node's default answer was an empty 400. Answer in the one
 * error shape, then close the connection (the parser cannot find the next request's start).
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex) {
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) return void socket.destroy();
  const [status, reason] = clientErrorStatus(err.code);
  const body = JSON.stringify(errorBody('bad_request', `Malformed request (${STATUS_CODES[status]})`, crypto.randomUUID(), { reason }));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * A request @hono/node-server cannot turn into a fetch Request (a backslash in its path, a Host
 * header that is no host) never reaches the app; the adapter's own answer was an empty text/plain
 * 400. Answer it as the app answers bad input: a 400 in the one error shape.
 */
function adapterErrorResponse(err: unknown): Response {
  const requestId = crypto.randomUUID();
  const bad = err instanceof RequestError;
  if (!bad) logUnhandled(requestId, err);
  const body = bad ? errorBody('bad_request', `Malformed request: ${err.message}`, requestId) : errorBody('internal_error', 'Internal error', requestId);
  return new Response(JSON.stringify(body), { status: bad ? 400 : 500, headers: { 'content-type': 'application/json', 'x-request-id': requestId } });
}

/** Listens on port/hostname and resolves with the bound port. */
export function listen(server: Server, port: number, hostname: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
