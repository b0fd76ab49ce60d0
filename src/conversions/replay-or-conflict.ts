import type { Db } from '../db/client';
import { findEventByDedupeKey } from '../db/queries/conversions';
import { ConflictError } from '../lib/errors';
import type { RequestHashes } from './request-hash';

/**
 * Idempotency of tracking calls: an event already stored under this key returns its original
 * result when the request is the same (its stored hash is one of `hashes`: requestHashes), and is a
 * 409 when the payload differs.
 */
export async function replayOrConflict(db: Db, programId: string, dedupeKey: string, hashes: RequestHashes): Promise<unknown | null> {
  const existing = await findEventByDedupeKey(db, programId, dedupeKey);
  if (!existing) return null;
  if (!hashes.includes(existing.requestHash)) {
    throw new ConflictError('This event was already recorded with a different payload', 'idempotency_conflict');
  }
  return existing.result;
}
