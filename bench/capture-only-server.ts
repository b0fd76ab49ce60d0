import { encodeClick } from '../src/clicks/click-wire';
import type { ClickSink } from '../src/clicks/click-sink';
import { createNodeRuntime } from '../src/node-runtime';
import { createNodeServer, listen } from '../src/node-server';

// The bench's control for GET /:code: reflink's own server, link cache and fast path, with a sink
// that encodes each click for the writer (as ThreadClickSink.capture does) and then drops it. Its
// ratio to the bare 302 is what the redirect path costs on the request thread alone; the gap between
// it and the real server is the click writer's work competing for the same cores. Never a product mode.
const env: Record<string, string | undefined> = { ...process.env, JWT_SECRET: process.env.JWT_SECRET ?? 'bench-capture-only-jwt-secret-0123456789' };
const runtime = await createNodeRuntime({ databaseUrl: env.DATABASE_URL!, env, clickWriter: 'inline' });
/** Characters encoded, kept so the encoding is real work with a used result (printed at exit). */
let encoded = 0;
const dropping: ClickSink = {
  wantsWaitUntil: false,
  capture(click) {
    encoded += encodeClick(click).length;
  },
  flush: async () => {},
};
runtime.deps.clickSink = dropping;
const server = createNodeServer(runtime);
const port = await listen(server, Number(env.PORT ?? 8789), env.HOST ?? '127.0.0.1');
console.log(`capture-only reflink on http://${env.HOST ?? '127.0.0.1'}:${port}`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    console.log(`capture-only: ${encoded} characters of clicks encoded and dropped`);
    server.close(() => process.exit(0));
  });
}
