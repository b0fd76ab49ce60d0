import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { requireScope } from '../middleware/auth';
import { validate } from '../lib/validate';
import { ApiError, NotFoundError, ValidationError } from '../lib/errors';
import { findPartner, revokePartnerTokens } from '../db/queries/partners';
import { baseUrlOf } from '../links/base-url';
import { issueTokenSchema } from './schemas';
import { signingKeysOf } from './signing-keys';
import { issuePartnerToken } from './issue-partner-token';
import { NEVER_REPLAYED, revokePartnerToken, TOKEN_ID } from './revoke-partner-token';

export const partnerTokenRoutes = new Hono<AppEnv>()
  // POST /v1/partners/:partnerId/tokens — a sign-in token for the partner portal and /v1/me.
  // The token reads the partner's ledger (balance, commissions, payouts), so minting one needs
  // ledger:read as well: programs:write alone must not be a way around that scope.
  .post('/partners/:partnerId/tokens', requireScope('programs:write', 'ledger:read'), validate('json', issueTokenSchema), async (c) => {
    const { db, config, clock } = c.var.deps;
    const keys = await signingKeysOf(config);
    if (!keys) throw new ApiError('forbidden', 'partner sign-in is not configured: set JWT_SECRET', 'not_configured');
    const partner = await findPartner(db, c.req.param('partnerId'));
    if (!partner) throw new NotFoundError('Partner');
    if (partner.status !== 'active') throw new ValidationError('partnerId', 'partner is suspended', 'partner_suspended');
    const { token, tokenId, expiresAt } = await issuePartnerToken({ keys, now: clock(), partner, ttlSeconds: c.req.valid('json').ttlSeconds });
    c.header('Cache-Control', 'no-store');
    return c.json(
      { token, tokenId, expiresAt: expiresAt.toISOString(), portalUrl: `${baseUrlOf(c)}/portal/login#token=${encodeURIComponent(token)}` },
      201,
    );
  })
  // POST /v1/partners/:partnerId/tokens/revoke — every token issued to the partner so far stops
  // working at once (portal sessions too); tokens issued afterwards work.
  .post('/partners/:partnerId/tokens/revoke', requireScope('programs:write'), async (c) => {
    const { db, clock } = c.var.deps;
    const partnerId = c.req.param('partnerId');
    if (!(await revokePartnerTokens(db, partnerId, null, clock()))) throw new NotFoundError('Partner');
    return c.json({ partnerId, revoked: true }, 200, NEVER_REPLAYED);
  })
  // POST /v1/partners/:partnerId/tokens/:tokenId/revoke — one token (the tokenId its issue answered,
  // e.g. a leaked one) stops working at once; the partner's other tokens and sessions keep working.
  .post('/partners/:partnerId/tokens/:tokenId/revoke', requireScope('programs:write'), async (c) => {
    const { db, clock } = c.var.deps;
    const { partnerId, tokenId } = c.req.param();
    if (!TOKEN_ID.test(tokenId)) throw new ValidationError('tokenId', 'must be a tokenId as answered when the token was issued');
    if (!(await findPartner(db, partnerId))) throw new NotFoundError('Partner');
    await revokePartnerToken({ db, now: clock(), partnerId, tokenId });
    return c.json({ partnerId, tokenId, revoked: true }, 200, NEVER_REPLAYED);
  });
