import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { perDb } from '../prepared';
import { partners, revokedPartnerTokens } from '../schema';

// Every partner-token request (API and portal) runs this: built once per database handle. One
// statement, two index probes (partners by primary key, revoked_partner_tokens by jti — a random
// UUID, so whichever partner id a revocation was stored under, the token it names is refused): a
// revoked token costs no extra round trip, which on D1 is the expensive part.
const tokenAccessQuery = perDb((db) =>
  db
    .select({
      status: partners.status,
      tokenGeneration: partners.tokenGeneration,
      revoked: sql<number>`exists (select 1 from ${revokedPartnerTokens} where ${revokedPartnerTokens.tokenId} = ${sql.placeholder('tokenId')})`.mapWith(Number),
    })
    .from(partners)
    .where(and(eq(partners.id, sql.placeholder('partnerId')), eq(partners.programId, sql.placeholder('programId'))))
    .limit(1)
    .prepare(),
);

export interface PartnerTokenAccess {
  status: 'active' | 'suspended';
  tokenGeneration: number;
  /** This token (by jti) was revoked on its own. */
  revoked: boolean;
}

/**
 * What a partner token needs to stand: the status and token generation of the partner it names (if
 * it still belongs to the token's program) and whether this one token was revoked.
 */
export async function findPartnerTokenAccess(db: Db, { partnerId, programId, tokenId }: { partnerId: string; programId: string; tokenId: string }): Promise<PartnerTokenAccess | null> {
  const [row] = await tokenAccessQuery(db).all({ partnerId, programId, tokenId });
  return row ? { status: row.status, tokenGeneration: row.tokenGeneration, revoked: row.revoked === 1 } : null;
}

/** Stores the revocation of one token; revoking it again changes nothing. */
export async function insertTokenRevocation(db: Db, r: { partnerId: string; tokenId: string; expiresAt: Date; now: Date }) {
  await db
    .insert(revokedPartnerTokens)
    .values({ partnerId: r.partnerId, tokenId: r.tokenId, expiresAt: r.expiresAt, revokedAt: r.now })
    .onConflictDoNothing();
}

/**
 * Deletes at most `limit` revocations whose token expired at or before `before` (one statement; the
 * expires_at index finds them). Returns how many went.
 */
export async function deleteTokenRevocationsBefore(db: Db, before: Date, limit: number): Promise<number> {
  const due = db
    .select({ partnerId: revokedPartnerTokens.partnerId, tokenId: revokedPartnerTokens.tokenId })
    .from(revokedPartnerTokens)
    .where(lte(revokedPartnerTokens.expiresAt, before))
    .limit(limit);
  const rows = await db
    .delete(revokedPartnerTokens)
    .where(inArray(sql`(${revokedPartnerTokens.partnerId}, ${revokedPartnerTokens.tokenId})`, due))
    .returning({ tokenId: revokedPartnerTokens.tokenId });
  return rows.length;
}
