import { serve, type ServerType } from '@hono/node-server';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeRuntime, type NodeRuntimeOptions } from '../../src/node-runtime';
import { ADMIN_KEY } from './app';

/** The real Node runtime on a libSQL file, served over loopback HTTP on a free port. */
export async function startServer({ env, ...opts }: Partial<NodeRuntimeOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'reflink-'));
  const rt = await createNodeRuntime({
    databaseUrl: join(dir, 'reflink.db'),
    ...opts,
    env: { ADMIN_API_KEY: ADMIN_KEY, VISITOR_SALT: 'test-salt', RATE_LIMIT_PER_SECOND: '0', ...env },
  });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: rt.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const base = `http://127.0.0.1:${port}`;
  const json = async <T = any>(method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  return {
    ...rt,
    base,
    json,
    async stop() {
      await rt.close();
      await new Promise<void>((r) => server.close(() => r()));
      rt.db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
