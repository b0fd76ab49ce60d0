import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeRuntime, type NodeRuntimeOptions } from '../../src/node-runtime';
import { createNodeServer, listen } from '../../src/node-server';
import { ADMIN_KEY } from './app';

/** The real Node runtime on a libSQL file, served over loopback HTTP on a free port. */
export async function startServer({ env, ...opts }: Partial<NodeRuntimeOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'reflink-'));
  const file = join(dir, 'reflink.db');
  const rt = await createNodeRuntime({
    databaseUrl: file,
    ...opts,
    env: { ADMIN_API_KEY: ADMIN_KEY, VISITOR_SALT: 'test-salt', RATE_LIMIT_PER_SECOND: '0', PORTAL_LOGIN_RATE_LIMIT_PER_MINUTE: '0', ...env },
  });
  const server = createNodeServer(rt);
  const port = await listen(server, 0, '127.0.0.1');
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
    file,
    json,
    async stop() {
      await rt.close();
      await new Promise<void>((r) => server.close(() => r()));
      rt.db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
