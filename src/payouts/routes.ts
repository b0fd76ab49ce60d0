import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { requireScope } from '../middleware/auth';
import { validate } from '../lib/validate';
import { listQuery, minorAmount } from '../lib/schemas';
import { page } from '../lib/pagination';
import { ConflictError, NotFoundError } from '../lib/errors';
import { findPartner } from '../db/queries/partners';
import { findProgram } from '../db/queries/programs';
import { findPayout, listPayouts, markPayoutPaid } from '../db/queries/payouts';
import { readPayoutStatement } from '../db/queries/payout-statements';
import { createPayouts } from './create-payouts';
import { payoutJson, payoutStatementJson, skippedPayoutJson } from './payout-json';
import { commissionJson } from '../conversions/conversion-json';
import { programCurrency } from '../programs/program-currency';
import { payoutStatementQuery } from './schemas';
import { sendStatementCsv, streamStatementCsv } from './statement-csv';

const createPayoutsSchema = z.strictObject({ minAmount: minorAmount.default(1) });
const markPaidSchema = z.strictObject({ reference: z.string().trim().min(1).max(200) });

export const payoutRoutes = new Hono<AppEnv>()
  // POST /v1/programs/:programId/payouts — build payouts from approved, unpaid entries; say what was held back
  .post('/programs/:programId/payouts', requireScope('ledger:write'), validate('json', createPayoutsSchema), async (c) => {
    const { db, clock } = c.var.deps;
    const program = await findProgram(db, c.req.param('programId'));
    if (!program) throw new NotFoundError('Program');
    const { created, skipped } = await createPayouts({ db, now: clock(), programId: program.id, minAmount: c.req.valid('json').minAmount });
    return c.json({ data: created.map(payoutJson), skipped: skipped.map(skippedPayoutJson) }, 201);
  })
  // GET /v1/programs/:programId/payouts
  .get('/programs/:programId/payouts', requireScope('ledger:read'), validate('query', listQuery.extend({ partnerId: z.string().max(64).optional() })), async (c) => {
    const { db } = c.var.deps;
    const { limit, cursor, partnerId } = c.req.valid('query');
    const program = await findProgram(db, c.req.param('programId'));
    if (!program) throw new NotFoundError('Program');
    if (partnerId !== undefined) {
      const partner = await findPartner(db, partnerId);
      if (!partner || partner.programId !== program.id) throw new NotFoundError('Partner');
    }
    const rows = await listPayouts(db, { programId: program.id, partnerId, limit, cursor });
    return c.json(page(rows, limit, payoutJson));
  })
  // GET /v1/payouts/:payoutId?format=json|csv — any payout's statement: the payout with one page of
  // its entries (read together: the status cannot lag them), or the whole statement as streamed CSV
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
    return c.json(payoutStatementJson(s, limit, (e) => commissionJson(e, currency)));
  })
  // POST /v1/payouts/:payoutId/mark-paid — record the transfer; its entries become paid
  .post('/payouts/:payoutId/mark-paid', requireScope('ledger:write'), validate('json', markPaidSchema), async (c) => {
    const { db, clock } = c.var.deps;
    const { reference } = c.req.valid('json');
    const current = await findPayout(db, c.req.param('payoutId'));
    if (!current) throw new NotFoundError('Payout');
    if (current.status === 'paid') {
      if (current.reference === reference) return c.json(payoutJson(current));
      throw new ConflictError('Payout is already paid with another reference', 'already_paid');
    }
    const row = await markPayoutPaid(db, current.id, reference, clock());
    // A concurrent mark-paid with another reference may have won between the read and the write.
    if (row!.reference !== reference) throw new ConflictError('Payout is already paid with another reference', 'already_paid');
    return c.json(payoutJson(row!));
  });
