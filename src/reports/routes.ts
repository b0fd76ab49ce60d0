import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { requireScope } from '../middleware/auth';
import { validate } from '../lib/validate';
import { findPartner } from '../db/queries/partners';
import { NotFoundError } from '../lib/errors';
import { resolveRange } from './date-range';
import { kpisQuery, leaderboardQuery, reportQuery } from './schemas';
import { sendReport } from './send-report';
import { buildLeaderboard } from './build-leaderboard';
import { buildKpis } from './build-kpis';

export const reportRoutes = new Hono<AppEnv>()
  // GET /v1/programs/:programId/report — clicks, conversions, revenue and commissions per group (JSON or CSV)
  .get('/programs/:programId/report', requireScope('ledger:read'), validate('query', reportQuery), async (c) => {
    const q = c.req.valid('query');
    const programId = c.req.param('programId');
    if (q.partnerId !== undefined) {
      const partner = await findPartner(c.var.deps.db, q.partnerId);
      if (!partner || partner.programId !== programId) throw new NotFoundError('Partner');
    }
    return sendReport(c, programId, q.partnerId, q);
  })
  // GET /v1/programs/:programId/leaderboard — top partners by leads, sales, revenue or commissions
  .get('/programs/:programId/leaderboard', requireScope('ledger:read'), validate('query', leaderboardQuery), async (c) => {
    const { db, clock } = c.var.deps;
    const q = c.req.valid('query');
    const range = resolveRange(q.from, q.to, clock());
    const board = await buildLeaderboard({ db, programId: c.req.param('programId'), from: range.from, to: range.to, metric: q.metric, limit: q.limit });
    return c.json(board);
  })
  // GET /v1/programs/:programId/kpis — headline numbers (rollups + ledger)
  .get('/programs/:programId/kpis', requireScope('ledger:read'), validate('query', kpisQuery), async (c) => {
    const { db, clock } = c.var.deps;
    const q = c.req.valid('query');
    return c.json(await buildKpis({ db, programId: c.req.param('programId'), range: resolveRange(q.from, q.to, clock()) }));
  });
