import type { Context } from 'hono';
import type { z } from 'zod';
import type { AppEnv } from '../env';
import { buildReport } from './build-report';
import { resolveRange } from './date-range';
import { csvFilename, reportCsv } from './report-csv';
import type { reportQuery } from './schemas';

/** Runs a report query (already validated) for a program, optionally one partner, as JSON or CSV. */
export async function sendReport(c: Context<AppEnv>, programId: string, partnerId: string | undefined, q: z.infer<typeof reportQuery>) {
  const { db, clock } = c.var.deps;
  const range = resolveRange(q.from, q.to, clock());
  const query = { from: range.from, to: range.to, groupBy: q.groupBy, ...(q.campaign !== undefined ? { campaign: q.campaign } : {}) };
  const report = await buildReport({ db, programId, ...(partnerId !== undefined ? { partnerId } : {}), query });
  if (q.format === 'json') return c.json(report);
  return c.body(reportCsv(report), 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${csvFilename(report, programId)}"`,
  });
}
