import { Hono } from 'hono';
import { sql } from 'drizzle-orm';
import type { AppEnv } from '../env';

export const healthRoutes = new Hono<AppEnv>()
  // GET /health — liveness plus database reachability
  .get('/', async (c) => {
    const started = Date.now();
    try {
      await c.var.deps.db.run(sql`select 1`);
      return c.json({ status: 'ok', db: { ok: true, latencyMs: Date.now() - started } });
    } catch (err) {
      console.error('health: db unreachable', String(err));
      return c.json({ status: 'degraded', db: { ok: false } }, 503);
    }
  });
