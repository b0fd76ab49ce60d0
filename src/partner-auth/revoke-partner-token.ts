import type { Db } from '../db/client';
import { insertTokenRevocation } from '../db/queries/partner-tokens';
import { MAX_TTL_SECONDS } from './config';

/** A token id as issuePartnerToken mints it (crypto.randomUUID()). */
export const TOKEN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Revokes one partner token by its jti: from the next request on, it is refused everywhere (the
 * check reads the database, nothing is cached). The row is kept until the token expires — its own
 * `exp` when known (a portal session), else MAX_TTL_SECONDS from now, after which no token issued
 * up to now verifies any more (verification refuses a token older than that).
 */
export async function revokePartnerToken({ db, now, partnerId, tokenId, expiresAt }: { db: Db; now: Date; partnerId: string; tokenId: string; expiresAt?: Date }) {
  const until = expiresAt ?? new Date(now.getTime() + MAX_TTL_SECONDS * 1000);
  await insertTokenRevocation(db, { partnerId, tokenId, expiresAt: until, now });
}

/**
 * Headers of every revocation's answer. `no-store` keeps the idempotency middleware from storing it:
 * a replay to another token of the partner ("this token", or tokens issued since a sign-out
 * everywhere) would answer `revoked` without revoking that token. Revoking again is harmless.
 */
export const NEVER_REPLAYED = { 'cache-control': 'no-store' } as const;
