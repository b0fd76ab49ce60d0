import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import type { PartnerRow } from '../db/queries/partners';
import { findPartnerInProgram } from '../db/queries/me';
import { ApiError } from '../lib/errors';
import { signingKeysOf } from './signing-keys';
import { verifyPartnerToken } from './verify-partner-token';

/** Routes behind requirePartner also get the signed-in partner's row. */
export type PartnerEnv = {
  Variables: AppEnv['Variables'] & { partner: PartnerRow };
};

function bearer(header: string | undefined): string | null {
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header.trim()) : null;
  return m ? m[1]! : null;
}

/**
 * Requires a valid partner token whose partner still exists in the token's program and is active
 * (checked on every request, so suspending a partner revokes its tokens at once). Sets
 * `auth` = `{kind:'partner', partnerId, programId}` and `partner`. Everything else is a 401.
 */
export const requirePartner = createMiddleware<PartnerEnv>(async (c, next) => {
  const token = bearer(c.req.header('authorization'));
  if (!token) throw new ApiError('unauthorized', 'Missing Authorization: Bearer <partner token>');
  const { db, config, clock } = c.var.deps;
  const keys = await signingKeysOf(config);
  const claims = keys ? await verifyPartnerToken({ keys, token, now: clock() }) : null;
  const partner = claims ? await findPartnerInProgram(db, claims.partnerId, claims.programId) : null;
  if (!partner || partner.status !== 'active') throw new ApiError('unauthorized', 'Invalid or expired partner token');
  c.set('auth', { kind: 'partner', partnerId: partner.id, programId: partner.programId });
  c.set('partner', partner);
  await next();
});
