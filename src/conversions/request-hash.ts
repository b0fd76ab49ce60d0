import { canonicalJson } from '../lib/canonical-json';
import { sha256Hex } from '../lib/hash';

/** A tracking call as received: its path and its JSON body (already valid for the route's schema). */
export interface TrackingRequest {
  path: string;
  body: Record<string, unknown>;
}

/** The hashes a stored event's request hash is compared with; the first is stored with a new event. */
export type RequestHashes = readonly [string, ...string[]];

const hashOf = (path: string, body: unknown) => sha256Hex(`${path}\n${canonicalJson(body)}`);

/**
 * Replay detection for tracking calls (replay-or-conflict.ts): same path and same JSON, key order
 * aside, in normal form — `normal` is the body with the values tracking stores in place of those
 * sent ("eur" as EUR, an omitted currency as the program's, a customer email trimmed with its domain
 * lower-case), so two requests meaning the same replay each other. When the body as sent differs,
 * its hash comes second: events stored before such a field was normalised hold that one, and the
 * very same request sent again must still replay them.
 */
export async function requestHashes(request: TrackingRequest, normal: Record<string, unknown> = request.body): Promise<RequestHashes> {
  const hash = await hashOf(request.path, normal);
  if (canonicalJson(normal) === canonicalJson(request.body)) return [hash];
  return [hash, await hashOf(request.path, request.body)];
}

/** A lead's body in normal form: its customer's email as stored. */
export function normalLead(body: Record<string, unknown>, email: string | undefined): Record<string, unknown> {
  if (email === undefined) return body;
  return { ...body, customer: { ...(body.customer as Record<string, unknown>), email } };
}

/** A sale's body in normal form: its currency upper-case, the program's when omitted. */
export function normalSale(body: Record<string, unknown>, currency: string): Record<string, unknown> {
  return { ...body, currency };
}
