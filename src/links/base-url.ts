import type { Context } from 'hono';
import type { AppEnv } from '../env';

/** Where short links live: PUBLIC_URL when set, else the origin this request came to. */
export function baseUrlOf(c: Context<AppEnv>): string {
  return c.var.deps.config.publicUrl ?? new URL(c.req.url).origin;
}
