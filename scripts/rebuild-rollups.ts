// npm run db:rebuild-rollups [-- <programId>] — recompute the daily rollups from raw clicks, events and ledger
import { isRemoteUrl, openNodeDb, printableDatabaseUrl } from '../src/db/node-client';
import { rebuildRollups } from '../src/reports/rebuild-rollups';

// As `npm start` reads it (src/node-settings.ts): an empty DATABASE_URL is the default file.
const url = process.env.DATABASE_URL || './.data/reflink.db';
const programId = process.argv[2];
const db = await openNodeDb(url, process.env.DATABASE_AUTH_TOKEN || undefined);
// Embedded libSQL keeps temp b-trees (the rebuild's GROUP BY sorter) in memory by default: ~175 bytes
// per raw row, ~2 GB at 10M clicks. On a local file, spill them to temp files instead.
if (!isRemoteUrl(url)) await db.$client.execute('PRAGMA temp_store = FILE');
const t0 = performance.now();
const counts = await rebuildRollups(db, programId);
console.log(
  `rebuilt rollups ${programId ? `of ${programId}` : 'of every program'} in ${printableDatabaseUrl(url)}: ` +
    `${counts.rollupRows} daily_rollups rows, ${counts.commissionRollupRows} daily_commission_rollups rows ` +
    `(${Math.round(performance.now() - t0)} ms)`,
);
db.$client.close();
