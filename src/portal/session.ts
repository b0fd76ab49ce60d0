import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../env';
import { findPartnerAccess } from '../db/queries/me';
import { sha256Hex, timingSafeEqualStr } from '../lib/hash';
import { signingKeysOf } from '../partner-auth/signing-keys';
import { tokenStillValid, verifyPartnerToken, type PartnerTokenClaims } from '../partner-auth/verify-partner-token';

export const SESSION_COOKIE = 'rl_portal';

/** A partner token that verifies and still stands for an active partner (tokenStillValid), else null. */
export async function checkPartnerToken(c: Context<AppEnv>, token: string | undefined): Promise<PartnerTokenClaims | null> {
  if (!token) return null;
  const { config, db, clock } = c.var.deps;
  const keys = await signingKeysOf(config);
  const claims = keys ? await verifyPartnerToken({ keys, token, now: clock() }) : null;
  if (!claims) return null;
  return tokenStillValid(claims, await findPartnerAccess(db, claims.partnerId, claims.programId)) ? claims : null;
}

/** The session cookie holds the partner token itself (HttpOnly, Secure, Lax), until it expires. */
export function startSession(c: Context<AppEnv>, token: string, claims: PartnerTokenClaims) {
  const maxAge = Math.max(0, Math.floor((claims.expiresAt.getTime() - c.var.deps.clock().getTime()) / 1000));
  setCookie(c, SESSION_COOKIE, token, { path: '/portal', httpOnly: true, secure: true, sameSite: 'Lax', maxAge });
}

export function endSession(c: Context<AppEnv>) {
  deleteCookie(c, SESSION_COOKIE, { path: '/portal', secure: true });
}

export async function currentSession(c: Context<AppEnv>) {
  const token = getCookie(c, SESSION_COOKIE);
  const claims = await checkPartnerToken(c, token);
  return claims && token ? { token, claims } : null;
}

/**
 * CSRF token for portal forms: bound to the session (hash of its token), checked along with a
 * same-origin Origin header. SameSite=Lax already keeps the cookie off cross-site POSTs.
 */
export async function csrfTokenOf(sessionToken: string): Promise<string> {
  return (await sha256Hex(`csrf|${sessionToken}`)).slice(0, 32);
}

export async function checkCsrf(c: Context<AppEnv>, sessionToken: string, submitted: unknown): Promise<boolean> {
  const origin = c.req.header('origin');
  if (origin && origin !== new URL(c.req.url).origin) return false;
  return typeof submitted === 'string' && timingSafeEqualStr(submitted, await csrfTokenOf(sessionToken));
}
