import { serve } from '@hono/node-server';
import { Hono } from 'hono';

// The ceiling for GET /:code: the same runtime (Hono on @hono/node-server) answering every
// request with a 302 and nothing else — no lookup, no click, no cookie.
const app = new Hono();
const target = 'https://shop.test/pricing?plan=pro&utm_source=bench';
app.all('*', (c) => c.redirect(target, 302));

const port = Number(process.env.PORT ?? 8788);
const hostname = process.env.HOST ?? '127.0.0.1';
const server = serve({ fetch: app.fetch, port, hostname }, (info) => console.log(`bare 302 server on http://${hostname}:${info.port}`));
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => server.close(() => process.exit(0)));
