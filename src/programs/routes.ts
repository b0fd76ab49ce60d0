import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { requireScope } from '../middleware/auth';
import { validate } from '../lib/validate';
import { listQuery } from '../lib/schemas';
import { page } from '../lib/pagination';
import { NotFoundError } from '../lib/errors';
import { findProgram, listPrograms } from '../db/queries/programs';
import { createProgramSchema, updateProgramSchema } from './schemas';
import { createProgram } from './create-program';
import { updateProgram } from './update-program';
import { programJson } from './program-json';

export const programRoutes = new Hono<AppEnv>()
  // POST /v1/programs — create a referral program
  .post('/', requireScope('programs:write'), validate('json', createProgramSchema), async (c) => {
    const { db, clock } = c.var.deps;
    const row = await createProgram({ db, now: clock(), input: c.req.valid('json') });
    return c.json(programJson(row), 201);
  })
  // GET /v1/programs — list programs, newest first
  .get('/', requireScope('programs:read'), validate('query', listQuery), async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const rows = await listPrograms(c.var.deps.db, limit, cursor);
    return c.json(page(rows, limit, programJson));
  })
  // GET /v1/programs/:programId
  .get('/:programId', requireScope('programs:read'), async (c) => {
    const row = await findProgram(c.var.deps.db, c.req.param('programId'));
    if (!row) throw new NotFoundError('Program');
    return c.json(programJson(row));
  })
  // PATCH /v1/programs/:programId — partial update; invalidates cached redirects
  .patch('/:programId', requireScope('programs:write'), validate('json', updateProgramSchema), async (c) => {
    const { db, clock, linkCache, programCache } = c.var.deps;
    const row = await updateProgram({ db, now: clock(), id: c.req.param('programId'), input: c.req.valid('json') });
    linkCache.clear();
    programCache.clear();
    return c.json(programJson(row));
  });
