import { fileURLToPath } from 'node:url';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

const migrationsDir = fileURLToPath(new URL('./drizzle', import.meta.url));

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/workers/**'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        // The real worker (src/worker.ts via wrangler.toml) on workerd, with a local D1.
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                ADMIN_API_KEY: 'test-admin-key-0123456789abcdefghij',
                VISITOR_SALT: 'test-salt',
                PUBLIC_URL: 'https://ref.test',
                JWT_SECRET: 'workers-test-jwt-secret-0123456789abcdef',
                TEST_MIGRATIONS: await readD1Migrations(migrationsDir),
              },
              // A real local queue whose consumer is this worker's queue(). Bound as TEST_CLICKS, not
              // CLICKS, so the other tests keep the direct sink; queue.test.ts passes it in as CLICKS.
              queueProducers: { TEST_CLICKS: 'reflink-clicks' },
              queueConsumers: { 'reflink-clicks': { maxBatchSize: 100, maxBatchTimeout: 0.05 } },
            },
          })),
        ],
        test: {
          name: 'workers',
          include: ['test/workers/**/*.test.ts'],
          setupFiles: ['./test/workers/apply-migrations.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
