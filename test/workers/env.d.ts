/// <reference types="@cloudflare/vitest-pool-workers/types" />
import type { D1Migration } from 'cloudflare:test';

// Bindings the workers test project provides (wrangler.toml + vitest.config.ts miniflare.bindings).
declare global {
  namespace Cloudflare {
    interface Env {
      DB: D1Database;
      ADMIN_API_KEY: string;
      VISITOR_SALT: string;
      PUBLIC_URL: string;
      TEST_MIGRATIONS: D1Migration[];
    }
    interface GlobalProps {
      mainModule: typeof import('../../src/worker');
    }
  }
}
