import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { requireScope } from '../middleware/auth';
import { validate } from '../lib/validate';
import { throwIfNotProgramPartner } from '../partners/throw-if-not-program-partner';
import { page } from '../lib/pagination';
import { NotFoundError } from '../lib/errors';
import { findProgram } from '../db/queries/programs';
import { listCustomers } from '../db/queries/customers';
import { customerListQuery } from './schemas';
import { adminCustomerJson } from './customer-json';
import { getCustomerDetail } from './get-customer-detail';

// Customers carry the merchant's view of a person (email, name) and their credits come from the
// ledger, so reading them needs ledger:read, as GET /v1/events and the ledger list do.
export const customerRoutes = new Hono<AppEnv>()
  // GET /v1/programs/:programId/customers?partnerId&externalId&email — who was referred by whom, newest first
  .get('/programs/:programId/customers', requireScope('ledger:read'), validate('query', customerListQuery), async (c) => {
    const { db } = c.var.deps;
    const q = c.req.valid('query');
    const program = await findProgram(db, c.req.param('programId'));
    if (!program) throw new NotFoundError('Program');
    await throwIfNotProgramPartner(db, program.id, q.partnerId);
    const rows = await listCustomers(db, { ...q, programId: program.id });
    return c.json(page(rows, q.limit, adminCustomerJson));
  })
  // GET /v1/programs/:programId/customers/:customerId — one customer: attribution history, events, customer credits
  .get('/programs/:programId/customers/:customerId', requireScope('ledger:read'), async (c) => {
    const { db } = c.var.deps;
    const program = await findProgram(db, c.req.param('programId'));
    if (!program) throw new NotFoundError('Program');
    return c.json(await getCustomerDetail({ db, program, customerId: c.req.param('customerId') }));
  });
