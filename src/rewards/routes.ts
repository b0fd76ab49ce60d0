import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { requireScope } from '../middleware/auth';
import { validate } from '../lib/validate';
import { listQuery } from '../lib/schemas';
import { page } from '../lib/pagination';
import { NotFoundError } from '../lib/errors';
import { findProgram } from '../db/queries/programs';
import { findReward, listRewards } from '../db/queries/rewards';
import type { Db } from '../db/client';
import { createRewardSchema, updateRewardSchema } from './schemas';
import { createReward, patchReward } from './save-reward';
import { rewardJson } from './reward-json';

async function programOrThrow(db: Db, id: string) {
  const program = await findProgram(db, id);
  if (!program) throw new NotFoundError('Program');
  return program;
}

export const rewardRoutes = new Hono<AppEnv>()
  // POST /v1/programs/:programId/rewards — add a reward rule
  .post('/programs/:programId/rewards', requireScope('programs:write'), validate('json', createRewardSchema), async (c) => {
    const { db, clock } = c.var.deps;
    const program = await programOrThrow(db, c.req.param('programId'));
    const row = await createReward({ db, now: clock(), program, input: c.req.valid('json') });
    c.var.deps.programCache.clear();
    return c.json(rewardJson(row), 201);
  })
  // GET /v1/programs/:programId/rewards — list the program's rules, oldest first
  .get('/programs/:programId/rewards', requireScope('programs:read'), validate('query', listQuery), async (c) => {
    const { db } = c.var.deps;
    const { limit, cursor } = c.req.valid('query');
    const program = await programOrThrow(db, c.req.param('programId'));
    return c.json(page(await listRewards(db, program.id, limit, cursor), limit, rewardJson));
  })
  // GET /v1/programs/:programId/rewards/:rewardId
  .get('/programs/:programId/rewards/:rewardId', requireScope('programs:read'), async (c) => {
    const row = await findReward(c.var.deps.db, c.req.param('programId'), c.req.param('rewardId'));
    if (!row) throw new NotFoundError('Reward');
    return c.json(rewardJson(row));
  })
  // PATCH /v1/programs/:programId/rewards/:rewardId — applies to future conversions only
  .patch('/programs/:programId/rewards/:rewardId', requireScope('programs:write'), validate('json', updateRewardSchema), async (c) => {
    const { db, clock } = c.var.deps;
    const program = await programOrThrow(db, c.req.param('programId'));
    const row = await patchReward({ db, now: clock(), program, id: c.req.param('rewardId'), input: c.req.valid('json') });
    c.var.deps.programCache.clear();
    return c.json(rewardJson(row));
  });
