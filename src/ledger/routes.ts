import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { requireScope } from '../middleware/auth';
import { validate } from '../lib/validate';
import { throwIfNotProgramPartner } from '../partners/throw-if-not-program-partner';
import { listQuery } from '../lib/schemas';
import { page } from '../lib/pagination';
import { NotFoundError } from '../lib/errors';
import { findPartner } from '../db/queries/partners';
import { findProgram } from '../db/queries/programs';
import { findProgramCustomer } from '../db/queries/customers';
import { listCommissions, listEvents } from '../db/queries/ledger';
import { commissionJson, eventJson } from '../conversions/conversion-json';
import { approveCommissions } from './approve-commissions';
import { balanceOf } from './balance-of';
import { voidCommission } from './void-commission';
import { addAdjustment } from './add-adjustment';
import { adjustmentSchema, voidSchema } from './schemas';
import { reattributeEventById } from '../conversions/reattribute-event-by-id';

// customerId: the entries booked on that customer's events (its partner's commissions, its own
// credits, their reversals), a customer of the program or 404 as partnerId is. An empty filter is
// a mistake (422), not a request for every entry.
const commissionQuery = listQuery.extend({
  partnerId: z.string().min(1).max(64).optional(),
  customerId: z.string().min(1).max(64).optional(),
  status: z.enum(['pending', 'approved', 'paid', 'reversed']).optional(),
});
// Tracking trims a customerExternalId before storing it, so the filter does too; an empty filter is
// a mistake (422), not a request for every event.
const eventQuery = listQuery.extend({
  programId: z.string().min(1).max(64).optional(),
  customerExternalId: z.string().trim().min(1).max(200).optional(),
});

export const ledgerRoutes = new Hono<AppEnv>()
  // GET /v1/programs/:programId/commissions?partnerId&customerId&status — the ledger, newest first
  .get('/programs/:programId/commissions', requireScope('ledger:read'), validate('query', commissionQuery), async (c) => {
    const { db } = c.var.deps;
    const q = c.req.valid('query');
    const program = await findProgram(db, c.req.param('programId'));
    if (!program) throw new NotFoundError('Program');
    await throwIfNotProgramPartner(db, program.id, q.partnerId);
    const customer = q.customerId === undefined ? undefined : await findProgramCustomer(db, program.id, q.customerId);
    if (customer === null) throw new NotFoundError('Customer');
    const rows = await listCommissions(db, { ...q, programId: program.id, customer });
    return c.json(page(rows, q.limit, (row) => commissionJson(row, program.currency)));
  })
  // GET /v1/events?programId&customerExternalId — recorded conversions
  .get('/events', requireScope('ledger:read'), validate('query', eventQuery), async (c) => {
    const q = c.req.valid('query');
    return c.json(page(await listEvents(c.var.deps.db, q), q.limit, eventJson));
  })
  // POST /v1/events/:eventId/attribute — decide an event recorded before its customer had a partner again
  .post('/events/:eventId/attribute', requireScope('conversions:write'), async (c) => c.json(await reattributeEventById(c.var.deps, c.req.param('eventId'))))
  // GET /v1/partners/:partnerId/balance — per unit: pending, approved, paid
  .get('/partners/:partnerId/balance', requireScope('ledger:read'), async (c) => {
    const { db } = c.var.deps;
    const partner = await findPartner(db, c.req.param('partnerId'));
    if (!partner) throw new NotFoundError('Partner');
    return c.json({ partnerId: partner.id, balances: await balanceOf(db, partner.id) });
  })
  // POST /v1/commissions/:commissionId/void — take a commission back in full (201; again: 200, the first void)
  .post('/commissions/:commissionId/void', requireScope('ledger:write'), validate('json', voidSchema), async (c) => {
    const { db } = c.var.deps;
    const r = await voidCommission(c.var.deps, c.req.param('commissionId'), c.req.valid('json').reason);
    const currency = (await findProgram(db, r.original.programId))!.currency;
    return c.json({ commission: commissionJson(r.original, currency), entry: commissionJson(r.entry, currency) }, r.created ? 201 : 200);
  })
  // POST /v1/partners/:partnerId/adjustments — a manual bonus (> 0) or clawback (< 0) in the ledger
  .post('/partners/:partnerId/adjustments', requireScope('ledger:write'), validate('json', adjustmentSchema), async (c) => {
    const { db } = c.var.deps;
    const entry = await addAdjustment(c.var.deps, c.req.param('partnerId'), c.req.valid('json'));
    const currency = (await findProgram(db, entry.programId))!.currency;
    return c.json(commissionJson(entry, currency), 201);
  })
  // POST /v1/jobs/approve-commissions — approve pending entries whose hold has passed (also cron)
  .post('/jobs/approve-commissions', requireScope('ledger:write'), async (c) => {
    const { db, clock } = c.var.deps;
    return c.json({ approved: await approveCommissions(db, clock()) });
  });
