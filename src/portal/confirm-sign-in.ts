import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../env';
import { findPartnerWithProgram } from '../db/queries/me';
import { randomToken, sha256Hex, timingSafeEqualStr } from '../lib/hash';
import { partnerTokenClaims } from '../partner-auth/check-partner-token';
import type { PartnerTokenClaims } from '../partner-auth/verify-partner-token';
import { currentSession, fromOurOrigin } from './session';

// The pre-session login-CSRF value: sent as `__Host-rl_login` (Secure, path /, no Domain, so no
// subdomain can plant one; SameSite=Strict) and as the form's hidden `nonce` field (double submit).
const NONCE_COOKIE = 'rl_login';
const NONCE_TTL_SECONDS = 10 * 60;

/** Who a sign-in link signs in as, shown before anything happens; emails masked to `j•••@host`. */
export interface SignInOffer {
  token: string;
  nonce: string;
  programName: string;
  partner: { name: string; email: string };
  /** The other partner this browser is signed in as, whom signing in replaces. */
  replaces: { name: string; email: string; programName: string } | null;
}

export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return at <= 0 ? '•••' : `${[...email.slice(0, at)][0]}•••${email.slice(at)}`;
}

async function partnerOf(c: Context<AppEnv>, claims: PartnerTokenClaims) {
  const found = await findPartnerWithProgram(c.var.deps.db, claims.partnerId, claims.programId);
  return found && { name: found.partner.name, email: maskEmail(found.partner.email), programName: found.program.name };
}

/**
 * GET /portal/login?token= or POST step=ask (the `#token=` link's page): what the link would sign
 * in as, plus a fresh pre-session nonce set in its cookie. Signs nobody in: a link someone else sent must not put this browser into their
 * account (login CSRF). Null, and no cookie, for a token that does not stand for an active partner.
 */
export async function offerSignIn(c: Context<AppEnv>, token: string | undefined): Promise<SignInOffer | null> {
  const claims = await partnerTokenClaims(c.var.deps, token);
  const target = claims && (await partnerOf(c, claims));
  if (!token || !target) return null;
  const session = await currentSession(c);
  const other = session && (session.claims.partnerId !== claims.partnerId || session.claims.programId !== claims.programId);
  const replaces = other ? await partnerOf(c, session.claims) : null;
  const nonce = randomToken(24);
  setCookie(c, NONCE_COOKIE, nonce, { prefix: 'host', path: '/', httpOnly: true, secure: true, sameSite: 'Strict', maxAge: NONCE_TTL_SECONDS });
  return { token, nonce, programName: target.programName, partner: { name: target.name, email: target.email }, replaces };
}

/**
 * Drops the pre-session cookie a POST /portal/login carried, whatever the outcome: it is one
 * form's, and with path / it would ride along on every request until it expires. A post without it
 * (another site's: SameSite=Strict keeps it home) leaves the browser's own untouched.
 */
export function dropSignInNonce(c: Context<AppEnv>) {
  if (getCookie(c, NONCE_COOKIE, 'host') !== undefined) deleteCookie(c, NONCE_COOKIE, { prefix: 'host', path: '/', secure: true });
}

/**
 * POST /portal/login: the confirmation form's token, if the form is ours — its nonce equals this
 * browser's nonce cookie (compared as digests, in constant time) and the browser does not say it
 * came from another site. 'forged' for anything else, 'invalid' for a token that no longer stands.
 * Any outcome drops the nonce cookie (dropSignInNonce).
 */
export async function confirmSignIn(c: Context<AppEnv>, form: Record<string, unknown>): Promise<{ token: string; claims: PartnerTokenClaims } | 'forged' | 'invalid'> {
  const cookie = getCookie(c, NONCE_COOKIE, 'host');
  dropSignInNonce(c);
  const submitted = form.nonce;
  if (!cookie || typeof submitted !== 'string' || !fromOurOrigin(c, { opaqueOrigin: true })) return 'forged';
  if (!timingSafeEqualStr(await sha256Hex(submitted), await sha256Hex(cookie))) return 'forged';
  const token = typeof form.token === 'string' ? form.token : undefined;
  const claims = await partnerTokenClaims(c.var.deps, token);
  if (!token || !claims) return 'invalid';
  return { token, claims };
}
