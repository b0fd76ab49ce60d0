import { Hono, type Context } from 'hono';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { AppEnv } from '../env';
import { ApiError, logUnhandled, ValidationError } from '../lib/errors';
import { randomToken } from '../lib/hash';
import { DAY_MS } from '../lib/time';
import { baseUrlOf } from '../links/base-url';
import { createLink } from '../links/create-link';
import { findPartnerWithProgram } from '../db/queries/me';
import { revokePartnerTokens } from '../db/queries/partners';
import { revokePartnerToken } from '../partner-auth/revoke-partner-token';
import { buildReport } from '../reports/build-report';
import { csvFilename, reportCsv } from '../reports/report-csv';
import { utcDay } from '../reports/rollup-deltas';
import { confirmSignIn, dropSignInNonce, offerSignIn } from './confirm-sign-in';
import { SignInLinkPage, SignInPage } from './views/sign-in';
import type { ReferrerPolicy } from './views/layout';
import { checkCsrf, csrfTokenOf, currentSession, endSession, sessionToSignOut, startSession } from './session';
import { loadDashboard } from './load-dashboard';
import { DashboardPage, MAX_CAMPAIGN_LENGTH, MessagePage, SignOutPage } from './views/dashboard';
import { cspFor } from './views/layout';
import { PayoutStatementPage, STATEMENT_SHOWN } from './views/payout-statement';
import { readPayoutStatement } from '../db/queries/payout-statements';
import { sendStatementCsv, streamStatementCsv } from '../payouts/statement-csv';
import { partnerStatementEntry, withPartnerExplanations } from '../me/partner-explanations';
import { programCurrency } from '../programs/program-currency';
import { setPayoutDetails } from '../partners/set-payout-details';

function page(c: Context<AppEnv>, status: 200 | 400 | 401 | 403 | 404 | 413 | 422 | 429 | 500, render: (nonce: string) => HtmlEscapedString | Promise<HtmlEscapedString>, referrer: ReferrerPolicy = 'same-origin') {
  const nonce = randomToken(16);
  c.header('Content-Security-Policy', cspFor(nonce));
  c.header('Cache-Control', 'no-store');
  c.header('X-Content-Type-Options', 'nosniff');
  // The CSP's frame-ancestors and the page's referrer meta, for browsers that honour only headers
  c.header('X-Frame-Options', 'DENY');
  c.header('Referrer-Policy', referrer);
  return c.html(render(nonce), status);
}

const signedOut = (c: Context<AppEnv>, message: string, status: 401 | 403 = 401) =>
  page(c, status, (nonce) => <MessagePage title="Please sign in" message={message} nonce={nonce} />);

const notFound = (c: Context<AppEnv>) =>
  page(c, 404, (nonce) => <MessagePage title="Page not found" message="There is no such page in the partner portal." nonce={nonce} home />);

/** The portal's answer to a body over the app's limit (src/app.ts mounts the limit on /portal/*). */
export const portalBodyTooLarge = (c: Context<AppEnv>) =>
  page(c, 413, (nonce) => <MessagePage title="Form too large" message="This form is too large to send. Shorten it and try again." nonce={nonce} />);

/** The portal's answer over the rate limit (src/portal/limit-portal-requests.ts); Retry-After is set. */
export const portalTooManyRequests = (c: Context<AppEnv>, waitSeconds: number) =>
  page(c, 429, (nonce) => <MessagePage title="Too many requests" message={`Too many requests from here. Wait ${waitSeconds} s and try again.`} nonce={nonce} />);

const invalidSignInLink = (c: Context<AppEnv>) => signedOut(c, 'This sign-in link is invalid or has expired. Ask the program for a new one.');

/** "Sign in as …?" for a sign-in link's token (its form signs in), or the invalid-link page. */
async function askSignIn(c: Context<AppEnv>, token: string | undefined) {
  const offer = await offerSignIn(c, token);
  if (!offer) return invalidSignInLink(c);
  return page(c, 200, (nonce) => <SignInPage offer={offer} nonce={nonce} />, 'no-referrer');
}

/** Ends the session (drops the cookie) and says so. */
function signedOutPage(c: Context<AppEnv>, message = 'You are signed out.') {
  endSession(c);
  return page(c, 200, (nonce) => <MessagePage title="Signed out" message={message} nonce={nonce} />);
}

const daysOf = (c: Context<AppEnv>) => (c.req.query('days') === '90' ? 90 : 30);

/** The partner portal: server-rendered pages over the partner's own data, behind a session cookie. */
export const portalRoutes = new Hono<AppEnv>()
  // GET /portal/login — the issued link (#token=…): a page whose script posts the fragment's token
  // (step=ask), or without one how to sign in. GET /portal/login?token= — links sent before: "Sign in
  // as …?" at once. Never a session (login CSRF); no-referrer, never cached.
  .get('/login', async (c) => {
    const token = c.req.query('token');
    if (token === undefined) {
      const signedIn = (await currentSession(c)) !== null;
      return page(c, 200, (nonce) => <SignInLinkPage nonce={nonce} signedIn={signedIn} />, 'no-referrer');
    }
    return askSignIn(c, token);
  })
  // POST /portal/login — step=ask: the link page's token, answered with "Sign in as …?". Otherwise
  // the confirmation form (pre-session nonce + origin): exchange the token for a session cookie and
  // go to the dashboard, the token in no URL
  .post('/login', async (c) => {
    const form = await c.req.parseBody().catch(() => null);
    if (form?.step === 'ask') return askSignIn(c, typeof form.token === 'string' ? form.token : undefined);
    if (!form) {
      dropSignInNonce(c);
      return page(c, 400, (nonce) => <MessagePage title="Please sign in" message="The form could not be read. Open your sign-in link again." nonce={nonce} />);
    }
    const signIn = await confirmSignIn(c, form);
    if (signIn === 'forged') return signedOut(c, 'This sign-in form has expired or did not come from this site. Open your sign-in link again.', 403);
    if (signIn === 'invalid') return invalidSignInLink(c);
    startSession(c, signIn.token, signIn.claims);
    c.header('Cache-Control', 'no-store'); // it carries the session cookie
    return c.redirect('/portal', 303);
  })
  // GET /portal/logout — signed in (a suspended partner too): a page with the sign-out form; otherwise "signed out"
  .get('/logout', async (c) => {
    const session = await sessionToSignOut(c);
    if (!session) return signedOutPage(c);
    const csrf = await csrfTokenOf(session.token);
    return page(c, 200, (nonce) => <SignOutPage csrf={csrf} nonce={nonce} />);
  })
  // POST /portal/logout — end the session (CSRF token + same-origin check, as every portal form) and
  // revoke its token, which is also the sign-in link in the browser's history and mail; with
  // everywhere=1 revoke every token issued to the partner so far instead. A suspended partner's
  // session is revoked too: a reactivation must not bring it back.
  .post('/logout', async (c) => {
    const session = await sessionToSignOut(c);
    if (!session) return signedOutPage(c);
    const form = await c.req.parseBody().catch(() => null);
    if (!form || !(await checkCsrf(c, session.token, form.csrf))) return signedOut(c, 'This form has expired. Reload the page and try again.', 403);
    const { db, clock } = c.var.deps;
    const { partnerId, programId, tokenId, expiresAt } = session.claims;
    if (form.everywhere !== '1') {
      await revokePartnerToken({ db, now: clock(), partnerId, tokenId, expiresAt });
      return signedOutPage(c, 'You are signed out. The sign-in link you used no longer works; your other sign-ins are unaffected.');
    }
    await revokePartnerTokens(db, partnerId, programId, clock());
    return signedOutPage(c, 'You are signed out everywhere: your earlier sign-in links and API tokens no longer work. Ask the program for a new sign-in link.');
  })
  // GET /portal?days=30|90 — the partner's dashboard
  .get('/', async (c) => {
    const session = await currentSession(c);
    if (!session) return signedOut(c, 'Open the sign-in link you received to see your referrals.');
    const { db, clock } = c.var.deps;
    const days = daysOf(c);
    const now = clock();
    const d = await loadDashboard(db, session.claims, now, days);
    if (!d) return signedOut(c, 'Your partner account is no longer available.');
    const leaderboard = d.leaderboard;
    const csrf = await csrfTokenOf(session.token);
    // Only a code of the partner's own links: the query string is anyone's to write, and the notice
    // must not let a crafted /portal?created=… put an attacker's sentence on the signed-in page.
    const created = c.req.query('created');
    const notice = created && d.links.some((l) => l.code === created) ? `Link ${created} created.` : c.req.query('saved') === 'payout-details' ? 'Payout details saved.' : undefined;
    return page(c, 200, (nonce) => <DashboardPage d={d} days={days} baseUrl={baseUrlOf(c)} csrf={csrf} nonce={nonce} leaderboard={leaderboard} notice={notice} />);
  })
  // GET /portal/report.csv?days=30|90 — the partner's own daily report as CSV
  .get('/report.csv', async (c) => {
    const session = await currentSession(c);
    if (!session) return signedOut(c, 'Your session has ended. Open your sign-in link again.');
    const now = c.var.deps.clock();
    const days = daysOf(c);
    const query = { from: utcDay(new Date(now.getTime() - (days - 1) * DAY_MS)), to: utcDay(now), groupBy: 'day' as const };
    const report = await buildReport({ db: c.var.deps.db, programId: session.claims.programId, partnerId: session.claims.partnerId, query });
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="${csvFilename(report, session.claims.programId)}"`);
    c.header('Cache-Control', 'no-store');
    c.header('X-Content-Type-Options', 'nosniff');
    return c.body(reportCsv(report));
  })
  // POST /portal/links — create a link from the portal form (CSRF token + same-origin check)
  .post('/links', async (c) => {
    const session = await currentSession(c);
    if (!session) return signedOut(c, 'Your session has ended. Open your sign-in link again.');
    // A malformed body (multipart without or with a wrong boundary) makes parseBody throw.
    const form = await c.req.parseBody().catch(() => null);
    if (!form) return page(c, 400, (nonce) => <MessagePage title="Link not created" message="The form could not be read. Reload the page and try again." nonce={nonce} />);
    if (!(await checkCsrf(c, session.token, form.csrf))) return signedOut(c, 'This form has expired. Reload the page and try again.', 403);
    const { db, clock, linkCache } = c.var.deps;
    const found = await findPartnerWithProgram(db, session.claims.partnerId, session.claims.programId);
    if (!found) return signedOut(c, 'Your partner account is no longer available.');
    const url = typeof form.url === 'string' && form.url.trim() ? form.url.trim() : undefined;
    const campaign = typeof form.campaign === 'string' && form.campaign.trim() ? form.campaign.trim() : undefined;
    // The API's limit, refused as the API refuses it: cutting the text short would store a name the
    // partner never typed (or half an emoji).
    if (campaign !== undefined && campaign.length > MAX_CAMPAIGN_LENGTH) {
      return page(c, 422, (nonce) => <MessagePage title="Link not created" message={`The campaign must be at most ${MAX_CAMPAIGN_LENGTH} characters.`} nonce={nonce} />);
    }
    try {
      const link = await createLink({ db, now: clock(), program: found.program, partner: found.partner, input: { url, campaign } });
      linkCache.forget(link.codeKey);
      return c.redirect(`/portal?created=${encodeURIComponent(link.code)}`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return page(c, 422, (nonce) => <MessagePage title="Link not created" message={`That destination is not allowed: ${err.message}`} nonce={nonce} />);
    }
  })
  // POST /portal/payout-details — set how the partner is paid, as PUT /v1/me/payout-details (CSRF token + same-origin check)
  .post('/payout-details', async (c) => {
    const session = await currentSession(c);
    if (!session) return signedOut(c, 'Your session has ended. Open your sign-in link again.');
    const form = await c.req.parseBody().catch(() => null);
    if (!form) return page(c, 400, (nonce) => <MessagePage title="Payout details not saved" message="The form could not be read. Reload the page and try again." nonce={nonce} />);
    if (!(await checkCsrf(c, session.token, form.csrf))) return signedOut(c, 'This form has expired. Reload the page and try again.', 403);
    const input = { method: typeof form.method === 'string' ? form.method : '', details: typeof form.details === 'string' ? form.details : '' };
    try {
      await setPayoutDetails({ db: c.var.deps.db, now: c.var.deps.clock(), me: session.claims, input });
      return c.redirect('/portal?saved=payout-details', 303);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'unauthorized') return signedOut(c, 'Your partner account is no longer available.');
      if (!(err instanceof ValidationError)) throw err;
      // The message names the rule broken, never the details sent.
      return page(c, 422, (nonce) => <MessagePage title="Payout details not saved" message={`Not saved: ${err.message}`} nonce={nonce} home />);
    }
  })
  // GET /portal/payouts/:payoutId — one of the partner's payouts; another's is the 404 page, as an unknown id
  .get('/payouts/:payoutId', async (c) => {
    const session = await currentSession(c);
    if (!session) return signedOut(c, 'Open the sign-in link you received to see your payouts.');
    const s = await readPayoutStatement(c.var.deps.db, c.req.param('payoutId'), session.claims, { limit: STATEMENT_SHOWN });
    if (!s) return notFound(c);
    const shown = withPartnerExplanations(s, await programCurrency(c.var.deps, session.claims.programId));
    return page(c, 200, (nonce) => <PayoutStatementPage s={shown} nonce={nonce} />);
  })
  // GET /portal/payouts/:payoutId/statement.csv — the whole statement, as GET /v1/me/payouts/:id?format=csv
  .get('/payouts/:payoutId/statement.csv', async (c) => {
    const session = await currentSession(c);
    if (!session) return signedOut(c, 'Your session has ended. Open your sign-in link again.');
    const currency = await programCurrency(c.var.deps, session.claims.programId);
    const csv = await streamStatementCsv(c.var.deps.db, c.req.param('payoutId'), session.claims, { entry: (e) => partnerStatementEntry(e, currency) });
    return csv ? sendStatementCsv(c, csv) : notFound(c);
  })
  // Any other /portal path or method: a page a browser can show, not the API's JSON 404
  .all('*', (c) => notFound(c))
  // An unexpected failure is logged as the app's onError logs it, and answered with a page too
  .onError((err, c) => {
    logUnhandled(c.var.requestId ?? 'unknown', err);
    return page(c, 500, (nonce) => <MessagePage title="Something went wrong" message="The portal could not show this page. Try again in a moment." nonce={nonce} home />);
  });
