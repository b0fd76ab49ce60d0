import { createServer, type Server } from 'node:http';
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
  return createServer((req, res) => {
    if (!fast(req, res)) void app(req, res);
  });
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
