import { createServer, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { createNodeRuntime } from './node-runtime';

type NodeRuntime = Awaited<ReturnType<typeof createNodeRuntime>>;

/**
 * The HTTP server for the Node runtime: cached `GET /:code` redirects are answered by the node:http
 * fast path (src/links/node-fast-redirect.ts), everything else by the Hono app through
 * @hono/node-server, exactly as `serve()` would run it.
 */
export function createNodeServer(runtime: Pick<NodeRuntime, 'app' | 'fastRedirect'>): Server {
  const app = getRequestListener(runtime.app.fetch);
  const fast = runtime.fastRedirect;
  return createServer((req, res) => {
    if (!fast(req, res)) void app(req, res);
  });
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
