import { Hono } from 'hono';
import type { AppEnv } from '../env';
import type { Db } from '../db/client';
import { requireScope } from '../middleware/auth';
import { validate } from '../lib/validate';
import { page } from '../lib/pagination';
import { NotFoundError } from '../lib/errors';
import { throwIfNotProgramPartner } from '../partners/throw-if-not-program-partner';
import { findProgram } from '../db/queries/programs';
import { listPayoutsWithPayees } from '../db/queries/payouts';
import { readPayoutStatement } from '../db/queries/payout-statements';
import { createPayouts } from './create-payouts';
import { cancelPayout } from './cancel-payout';
import { markPayoutPaid } from './mark-payout-paid';
import { payeeJson, payoutJson, payoutStatementJson, skippedPayoutJson } from './payout-json';
import { commissionJson } from '../conversions/conversion-json';
import { programCurrency } from '../programs/program-currency';
import { cancelPayoutSchema, createPayoutsSchema, markPaidSchema, payoutListQuery, payoutStatementQuery } from './schemas';
import { sendStatementCsv, streamStatementCsv } from './statement-csv';

export const payoutRoutes = new Hono<AppEnv>()
  // POST /v1/programs/:programId/payouts — build payouts from approved, unpaid entries (all partners or
  // one); say what was held back
  .post('/programs/:programId/payouts', requireScope('ledger:write'), validate('json', createPayoutsSchema), async (c) => {
    const { db, clock } = c.var.deps;
    const { minAmount, partnerId } = c.req.valid('json');
    const program = await findProgram(db, c.req.param('programId'));
    if (!program) throw new NotFoundError('Program');
    await throwIfNotProgramPartner(db, program.id, partnerId);
    const scope = { programId: program.id, partnerId };
    const { created, skipped } = await createPayouts({ db, now: clock(), scope, currency: program.currency, minAmount });
    return c.json({ data: created.map(payoutJson), skipped: skipped.map(skippedPayoutJson) }, 201);
  })
  // GET /v1/programs/:programId/payouts?partnerId&status — each with its partner's payout details now
  .get('/programs/:programId/payouts', requireScope('ledger:read'), validate('query', payoutListQuery), async (c) => {
    const { db } = c.var.deps;
    const q = c.req.valid('query');
    const program = await findProgram(db, c.req.param('programId'));
    if (!program) throw new NotFoundError('Program');
    await throwIfNotProgramPartner(db, program.id, q.partnerId);
    const rows = await listPayoutsWithPayees(db, { ...q, programId: program.id });
    return c.json(page(rows, q.limit, (r) => ({ ...payoutJson(r), ...payeeJson(r.payee) })));
  })
  // GET /v1/payouts/:payoutId?format=json|csv — any payout's statement: the payout with one page of
  // its entries (read together: the status cannot lag them) and its partner's payout details as they
  // are now, or the whole statement as streamed CSV
  .get('/payouts/:payoutId', requireScope('ledger:read'), validate('query', payoutStatementQuery), async (c) => {
    const { limit, cursor, format } = c.req.valid('query');
    const { db } = c.var.deps;
    if (format === 'csv') {
      const csv = await streamStatementCsv(db, c.req.param('payoutId'), 'admin');
      if (!csv) throw new NotFoundError('Payout');
      return sendStatementCsv(c, csv);
    }
    const s = await readPayoutStatement(db, c.req.param('payoutId'), 'admin', { limit, cursor });
    if (!s) throw new NotFoundError('Payout');
    const currency = await programCurrency(c.var.deps, s.payout.programId);
    const { entries, nextCursor, ...header } = payoutStatementJson(s, limit, (e) => commissionJson(e, currency));
    return c.json({ ...header, ...payeeJson(s.payee), entries, nextCursor });
  })
  // POST /v1/payouts/:payoutId/mark-paid — record the transfer; its entries become paid
  .post('/payouts/:payoutId/mark-paid', requireScope('ledger:write'), validate('json', markPaidSchema), async (c) => {
    const { db, clock } = c.var.deps;
    const row = await markPayoutPaid({ db, now: clock(), payoutId: c.req.param('payoutId'), reference: c.req.valid('json').reference });
    return c.json(payoutJson(row));
  })
  // POST /v1/payouts/:payoutId/cancel — cancel a pending payout; its entries go back to approved (again: 200, as it is)
  .post('/payouts/:payoutId/cancel', requireScope('ledger:write'), validate('json', cancelPayoutSchema), async (c) => {
    const { db, clock } = c.var.deps;
    const row = await cancelPayout({ db, now: clock(), payoutId: c.req.param('payoutId'), reason: c.req.valid('json').reason ?? null });
    return c.json(payoutJson(row));
  });
