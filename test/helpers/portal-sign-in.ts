/** Sends a request to the app under test: app.request, fetch against a server, or a worker's fetch. */
export type Fetcher = (path: string, init?: RequestInit) => Response | Promise<Response>;

/** The `name=value` of the Set-Cookie named `name` (or undefined). */
export function setCookieOf(res: Response, name: string): string | undefined {
  return res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))?.split(';')[0];
}

/** The sign-in page's pre-session cookie and its form's hidden fields (token, nonce). */
export async function signInFormOf(res: Response) {
  const html = await res.text();
  const fields = Object.fromEntries([...html.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)"\/>/g)].map((m) => [m[1]!, m[2]!]));
  return { html, cookie: setCookieOf(res, '__Host-rl_login'), fields };
}

/**
 * Signs in as a partner's browser does: opens the sign-in link (a "Sign in as …?" page and a
 * pre-session cookie), then submits its form. The status is the page's when it is not 200 (no
 * form), else the form's; `session` is the session cookie (`__Host-rl_portal=…`) it set, if any.
 */
export async function trySignIn(send: Fetcher, token: string): Promise<{ status: number; session: string | undefined }> {
  const offer = await send(`/portal/login?token=${encodeURIComponent(token)}`, { redirect: 'manual' });
  if (offer.status !== 200) return { status: offer.status, session: setCookieOf(offer, '__Host-rl_portal') };
  const { cookie, fields } = await signInFormOf(offer);
  const res = await send('/portal/login', {
    method: 'POST',
    redirect: 'manual',
    headers: { ...(cookie ? { cookie } : {}), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
  return { status: res.status, session: setCookieOf(res, '__Host-rl_portal') };
}

/** trySignIn that must succeed (303 and a session cookie); returns the session cookie. */
export async function portalSignIn(send: Fetcher, token: string): Promise<string> {
  const { status, session } = await trySignIn(send, token);
  if (status !== 303 || !session) throw new Error(`portal sign-in answered ${status}`);
  return session;
}
