import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../env';
import { sha256Hex, timingSafeEqualStr } from '../lib/hash';
import { partnerTokenClaims, revocablePartnerTokenClaims } from '../partner-auth/check-partner-token';
import { partnerAuth } from '../partner-auth/require-partner';
import type { PartnerTokenClaims } from '../partner-auth/verify-partner-token';

// The session cookie, sent as `__Host-rl_portal` (Secure, Path=/, no Domain): a page on a sibling
// subdomain can set a cookie for the parent domain, but never a __Host- one, so it cannot sign this
// browser into another partner's account (cookie tossing). Secure is kept on http://localhost and
// 127.0.0.1 too, as for `__Host-rl_login`: browsers count loopback as a secure context.
const SESSION_COOKIE = 'rl_portal';
// The cookie's name before the prefix (Path=/portal): no longer read, cleared on sign-in and sign-out.
const OLD_SESSION_COOKIE = 'rl_portal';

/** The session cookie holds the partner token itself (HttpOnly, Secure, Lax), until it expires. */
export function startSession(c: Context<AppEnv>, token: string, claims: PartnerTokenClaims) {
  const maxAge = Math.max(0, Math.floor((claims.expiresAt.getTime() - c.var.deps.clock().getTime()) / 1000));
  dropOldSession(c);
  setCookie(c, SESSION_COOKIE, token, { prefix: 'host', path: '/', httpOnly: true, secure: true, sameSite: 'Lax', maxAge });
}

export function endSession(c: Context<AppEnv>) {
  deleteCookie(c, SESSION_COOKIE, { prefix: 'host', path: '/', secure: true });
  dropOldSession(c);
}

/** Clears a pre-`__Host-` session cookie the request carried (one a sibling subdomain planted stays: it is ignored). */
function dropOldSession(c: Context<AppEnv>) {
  if (getCookie(c, OLD_SESSION_COOKIE) !== undefined) deleteCookie(c, OLD_SESSION_COOKIE, { path: '/portal', secure: true });
}

/** The session cookie's token, unchecked (the rate limiter's bucket key). */
export const sessionTokenOf = (c: Context<AppEnv>) => getCookie(c, SESSION_COOKIE, 'host') ?? null;

/**
 * The signed-in partner, or null. Also sets `auth`, as requirePartner does for /v1/me, so the rate
 * limiter knows the session's token authenticated (and charges a refused one to the client IP).
 */
export async function currentSession(c: Context<AppEnv>) {
  return sessionChecked(c, partnerTokenClaims);
}

/**
 * currentSession for signing out: also a suspended partner's session, which Sign out must revoke
 * (revocablePartnerTokenClaims) — else a reactivation would bring it back with the cookie and the
 * sign-in link it came from.
 */
export async function sessionToSignOut(c: Context<AppEnv>) {
  return sessionChecked(c, revocablePartnerTokenClaims);
}

async function sessionChecked(c: Context<AppEnv>, check: typeof partnerTokenClaims) {
  const token = getCookie(c, SESSION_COOKIE, 'host');
  const claims = await check(c.var.deps, token);
  if (!claims || !token) return null;
  c.set('auth', partnerAuth(claims));
  return { token, claims };
}

/**
 * A form post from one of our own pages, as far as the browser says: `Sec-Fetch-Site` (when sent)
 * is same-origin, and `Origin` (when sent) is the origin the request reached or PUBLIC_URL's —
 * behind a TLS-terminating proxy the server sees http://… while the browser, on the portalUrl
 * (PUBLIC_URL), sends https://…. `Origin: null` passes only with `opaqueOrigin`: a page served with
 * `Referrer-Policy: no-referrer` (the sign-in page) makes browsers send it on its own form posts.
 */
export function fromOurOrigin(c: Context<AppEnv>, opts: { opaqueOrigin?: boolean } = {}): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return false;
  const origin = c.req.header('origin');
  if (!origin || (origin === 'null' && opts.opaqueOrigin)) return true;
  const publicUrl = c.var.deps.config.publicUrl;
  const ours = [new URL(c.req.url).origin, ...(publicUrl && URL.canParse(publicUrl) ? [new URL(publicUrl).origin] : [])];
  return ours.includes(origin);
}

/**
 * CSRF token for portal forms: bound to the session (hash of its token), checked along with
 * fromOurOrigin. SameSite=Lax already keeps the cookie off cross-site POSTs.
 */
export async function csrfTokenOf(sessionToken: string): Promise<string> {
  return (await sha256Hex(`csrf|${sessionToken}`)).slice(0, 32);
}

export async function checkCsrf(c: Context<AppEnv>, sessionToken: string, submitted: unknown): Promise<boolean> {
  if (!fromOurOrigin(c)) return false;
  return typeof submitted === 'string' && timingSafeEqualStr(submitted, await csrfTokenOf(sessionToken));
}
