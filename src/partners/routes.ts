import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { requireScope } from '../middleware/auth';
import { validate } from '../lib/validate';
import { page } from '../lib/pagination';
import { NotFoundError } from '../lib/errors';
import { findProgram } from '../db/queries/programs';
import { findPartner, listPartners } from '../db/queries/partners';
import { linkJson } from '../links/link-json';
import { baseUrlOf } from '../links/base-url';
import { createPartnerSchema, partnerListQuery, updatePartnerSchema } from './schemas';
import { createPartner } from './create-partner';
import { updatePartner } from './update-partner';
import { partnerJson } from './partner-json';

export const partnerRoutes = new Hono<AppEnv>()
  // POST /v1/programs/:programId/partners — enrol a partner with a referral code and default link
  .post('/programs/:programId/partners', requireScope('programs:write'), validate('json', createPartnerSchema), async (c) => {
    const { db, clock, linkCache } = c.var.deps;
    const program = await findProgram(db, c.req.param('programId'));
    if (!program) throw new NotFoundError('Program');
    const { partner, link } = await createPartner({ db, now: clock(), program, input: c.req.valid('json') });
    linkCache.forget(link.codeKey); // a redirect may have cached this code as a miss
    return c.json({ ...partnerJson(partner), defaultLink: linkJson(link, baseUrlOf(c)) }, 201);
  })
  // GET /v1/programs/:programId/partners?email&status — list a program's partners, newest first
  .get('/programs/:programId/partners', requireScope('programs:read'), validate('query', partnerListQuery), async (c) => {
    const { db } = c.var.deps;
    if (!(await findProgram(db, c.req.param('programId')))) throw new NotFoundError('Program');
    const q = c.req.valid('query');
    return c.json(page(await listPartners(db, { ...q, programId: c.req.param('programId') }), q.limit, partnerJson));
  })
  // GET /v1/partners/:partnerId
  .get('/partners/:partnerId', requireScope('programs:read'), async (c) => {
    const row = await findPartner(c.var.deps.db, c.req.param('partnerId'));
    if (!row) throw new NotFoundError('Partner');
    return c.json(partnerJson(row));
  })
  // PATCH /v1/partners/:partnerId — rename, change email (409 email_taken when another partner of the program has it), suspend or reactivate
  .patch('/partners/:partnerId', requireScope('programs:write'), validate('json', updatePartnerSchema), async (c) => {
    const { db, clock, linkCache } = c.var.deps;
    const input = c.req.valid('json');
    const row = await updatePartner({ db, now: clock(), id: c.req.param('partnerId'), input });
    if (input.status) linkCache.clear(); // a suspended partner's links must stop attributing now
    return c.json(partnerJson(row));
  });
