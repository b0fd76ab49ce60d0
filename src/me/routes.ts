import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { requirePartner, requirePartnerToRevoke, partnerAuthOf } from '../partner-auth/require-partner';
import { validate } from '../lib/validate';
import { listQuery } from '../lib/schemas';
import { page } from '../lib/pagination';
import { ApiError, NotFoundError } from '../lib/errors';
import type { Db } from '../db/client';
import { listLinksOfPartner } from '../db/queries/links';
import { listPayouts } from '../db/queries/payouts';
import { findPartnerWithProgram, listPartnerCommissions } from '../db/queries/me';
import { revokePartnerTokens } from '../db/queries/partners';
import { NEVER_REPLAYED, revokePartnerToken } from '../partner-auth/revoke-partner-token';
import { partnerJson } from '../partners/partner-json';
import { createLinkSchema } from '../links/schemas';
import { createLink } from '../links/create-link';
import { linkJson } from '../links/link-json';
import { baseUrlOf } from '../links/base-url';
import { partnerCommissionJson, partnerStatementEntry } from './partner-explanations';
import { programCurrency } from '../programs/program-currency';
import { payoutJson, payoutStatementJson } from '../payouts/payout-json';
import { sendStatementCsv, streamStatementCsv } from '../payouts/statement-csv';
import { readPayoutStatement } from '../db/queries/payout-statements';
import { balanceOf } from '../ledger/balance-of';
import { myCommissionsQuery, payoutDetailsSchema } from './schemas';
import { setPayoutDetails } from '../partners/set-payout-details';
import { payoutStatementQuery } from '../payouts/schemas';
import { reportQuery } from '../reports/schemas';
import { sendReport } from '../reports/send-report';
import { listPartnerCustomers } from '../db/queries/customers';
import { partnerCustomerJson } from '../customers/customer-json';

async function loadMe(db: Db, me: { partnerId: string; programId: string }) {
  const found = await findPartnerWithProgram(db, me.partnerId, me.programId);
  // requirePartner just saw it; gone since means the token no longer stands for anyone.
  if (!found) throw new ApiError('unauthorized', 'Invalid or expired partner token');
  return found;
}

/**
 * The partner's own API. Every handler takes the partner from the verified token (never from the
 * path or query), so there is no id a partner could swap for another's.
 */
export const meRoutes = new Hono<AppEnv>()
  // Signing out comes before requirePartner, behind its own check: a suspended partner may revoke its
  // tokens (requirePartner would refuse them, and a reactivation would bring them back to life).
  // POST /v1/me/tokens/revoke — sign out everywhere: this token and every other issued so far
  .post('/tokens/revoke', requirePartnerToRevoke, async (c) => {
    const { partnerId, programId } = partnerAuthOf(c);
    const { db, clock } = c.var.deps;
    if (!(await revokePartnerTokens(db, partnerId, programId, clock()))) throw new ApiError('unauthorized', 'Invalid or expired partner token');
    return c.json({ partnerId, revoked: true }, 200, NEVER_REPLAYED);
  })
  // POST /v1/me/tokens/current/revoke — sign out this token only (its jti); the partner's other tokens keep working
  .post('/tokens/current/revoke', requirePartnerToRevoke, async (c) => {
    const { partnerId, tokenId, tokenExpiresAt } = partnerAuthOf(c);
    const { db, clock } = c.var.deps;
    await revokePartnerToken({ db, now: clock(), partnerId, tokenId, expiresAt: tokenExpiresAt });
    return c.json({ partnerId, tokenId, revoked: true }, 200, NEVER_REPLAYED);
  })
  .use('*', requirePartner)
  // GET /v1/me — the signed-in partner and its program
  .get('/', async (c) => {
    const { partner, program } = await loadMe(c.var.deps.db, partnerAuthOf(c));
    return c.json({ ...partnerJson(partner), program: { id: program.id, name: program.name, currency: program.currency } });
  })
  // PUT /v1/me/payout-details — how the partner wants to be paid (method and details), replacing what was set
  .put('/payout-details', validate('json', payoutDetailsSchema), async (c) => {
    const { db, clock } = c.var.deps;
    const row = await setPayoutDetails({ db, now: clock(), me: partnerAuthOf(c), input: c.req.valid('json') });
    const { payoutMethod, payoutDetails, payoutDetailsUpdatedAt } = partnerJson(row);
    return c.json({ partnerId: row.id, payoutMethod, payoutDetails, payoutDetailsUpdatedAt });
  })
  // GET /v1/me/links
  .get('/links', validate('query', listQuery), async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const rows = await listLinksOfPartner(c.var.deps.db, partnerAuthOf(c).partnerId, limit, cursor);
    const base = baseUrlOf(c);
    return c.json(page(rows, limit, (l) => linkJson(l, base)));
  })
  // POST /v1/me/links — a new short link to one of the program's allowed hosts
  .post('/links', validate('json', createLinkSchema), async (c) => {
    const { db, clock, linkCache } = c.var.deps;
    const { partner, program } = await loadMe(db, partnerAuthOf(c));
    const link = await createLink({ db, now: clock(), program, partner, input: c.req.valid('json') });
    linkCache.forget(link.codeKey); // a redirect may have cached this code as a miss
    return c.json(linkJson(link, baseUrlOf(c)), 201);
  })
  // GET /v1/me/commissions?status — what the partner earned, newest first
  .get('/commissions', validate('query', myCommissionsQuery), async (c) => {
    const q = c.req.valid('query');
    const { partnerId, programId } = partnerAuthOf(c);
    const [rows, currency] = await Promise.all([listPartnerCommissions(c.var.deps.db, { ...q, partnerId, programId }), programCurrency(c.var.deps, programId)]);
    return c.json(page(rows, q.limit, (row) => partnerCommissionJson(row, currency)));
  })
  // GET /v1/me/customers — the customers the partner has now, newest first; ids only, never who they are
  .get('/customers', validate('query', listQuery), async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const { partnerId, programId } = partnerAuthOf(c);
    const rows = await listPartnerCustomers(c.var.deps.db, { programId, partnerId, limit, cursor });
    return c.json(page(rows, limit, partnerCustomerJson));
  })
  // GET /v1/me/payouts
  .get('/payouts', validate('query', listQuery), async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const { partnerId, programId } = partnerAuthOf(c);
    const rows = await listPayouts(c.var.deps.db, { programId, partnerId, limit, cursor });
    return c.json(page(rows, limit, payoutJson));
  })
  // GET /v1/me/payouts/:payoutId?format=json|csv — one of the partner's payouts with its entries;
  // another partner's is a 404 like an unknown id, so ids cannot be probed
  .get('/payouts/:payoutId', validate('query', payoutStatementQuery), async (c) => {
    const { limit, cursor, format } = c.req.valid('query');
    const { db } = c.var.deps;
    const me = partnerAuthOf(c);
    const payoutId = c.req.param('payoutId');
    const currency = await programCurrency(c.var.deps, me.programId);
    if (format === 'csv') {
      const csv = await streamStatementCsv(db, payoutId, me, { entry: (e) => partnerStatementEntry(e, currency) });
      if (!csv) throw new NotFoundError('Payout');
      return sendStatementCsv(c, csv);
    }
    const found = await readPayoutStatement(db, payoutId, me, { limit, cursor });
    if (!found) throw new NotFoundError('Payout');
    return c.json(payoutStatementJson(found, limit, (e) => partnerCommissionJson(e, currency)));
  })
  // GET /v1/me/report — the program report language, always scoped to the signed-in partner
  .get('/report', validate('query', reportQuery), async (c) => {
    const q = c.req.valid('query');
    const { partnerId, programId } = partnerAuthOf(c);
    if (q.partnerId !== undefined && q.partnerId !== partnerId) throw new NotFoundError('Partner');
    return sendReport(c, programId, partnerId, q);
  })
  // GET /v1/me/balance — per unit: pending, approved, paid
  .get('/balance', async (c) => {
    const { partnerId } = partnerAuthOf(c);
    return c.json({ partnerId, balances: await balanceOf(c.var.deps.db, partnerId) });
  });
