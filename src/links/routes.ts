import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { requireScope } from '../middleware/auth';
import { validate } from '../lib/validate';
import { listQuery } from '../lib/schemas';
import { page } from '../lib/pagination';
import { NotFoundError } from '../lib/errors';
import { findProgram } from '../db/queries/programs';
import { findPartner } from '../db/queries/partners';
import { findLink, linkStats, listLinksOfPartner } from '../db/queries/links';
import { createLinkSchema, updateLinkSchema } from './schemas';
import { createLink } from './create-link';
import { updateLink } from './update-link';
import { linkJson } from './link-json';
import { baseUrlOf } from './base-url';

export const linkRoutes = new Hono<AppEnv>()
  // POST /v1/partners/:partnerId/links — a new short link for a partner
  .post('/partners/:partnerId/links', requireScope('programs:write'), validate('json', createLinkSchema), async (c) => {
    const { db, clock, linkCache } = c.var.deps;
    const partner = await findPartner(db, c.req.param('partnerId'));
    if (!partner) throw new NotFoundError('Partner');
    const program = await findProgram(db, partner.programId);
    if (!program) throw new NotFoundError('Program');
    const link = await createLink({ db, now: clock(), program, partner, input: c.req.valid('json') });
    linkCache.forget(link.codeKey); // a redirect may have cached this code as a miss
    return c.json(linkJson(link, baseUrlOf(c)), 201);
  })
  // GET /v1/partners/:partnerId/links
  .get('/partners/:partnerId/links', requireScope('programs:read'), validate('query', listQuery), async (c) => {
    const { db } = c.var.deps;
    if (!(await findPartner(db, c.req.param('partnerId')))) throw new NotFoundError('Partner');
    const { limit, cursor } = c.req.valid('query');
    const rows = await listLinksOfPartner(db, c.req.param('partnerId'), limit, cursor);
    const base = baseUrlOf(c);
    return c.json(page(rows, limit, (l) => linkJson(l, base)));
  })
  // GET /v1/links/:linkId
  .get('/links/:linkId', requireScope('programs:read'), async (c) => {
    const link = await findLink(c.var.deps.db, c.req.param('linkId'));
    if (!link) throw new NotFoundError('Link');
    return c.json(linkJson(link, baseUrlOf(c)));
  })
  // PATCH /v1/links/:linkId — change destination/utm/campaign, archive or restore
  .patch('/links/:linkId', requireScope('programs:write'), validate('json', updateLinkSchema), async (c) => {
    const { db, clock, linkCache } = c.var.deps;
    const link = await updateLink({ db, now: clock(), id: c.req.param('linkId'), input: c.req.valid('json') });
    linkCache.clear();
    return c.json(linkJson(link, baseUrlOf(c)));
  })
  // GET /v1/links/:linkId/stats — human clicks, unique clicks and bot clicks
  .get('/links/:linkId/stats', requireScope('programs:read'), async (c) => {
    const { db } = c.var.deps;
    const link = await findLink(db, c.req.param('linkId'));
    if (!link) throw new NotFoundError('Link');
    return c.json({ linkId: link.id, ...(await linkStats(db, link)) });
  });
