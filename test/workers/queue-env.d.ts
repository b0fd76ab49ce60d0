import type { ClickMessage } from '../../src/clicks/queue-click-sink';

// Bindings added for queue.test.ts and partner.test.ts (vitest.config.ts, workers project).
declare global {
  namespace Cloudflare {
    interface Env {
      /** The local `reflink-clicks` queue; its consumer is the worker's queue(). */
      TEST_CLICKS: Queue<ClickMessage>;
      JWT_SECRET: string;
    }
  }
}
