import { describe, expect, it } from 'vitest';
import { portalSignIn } from '../helpers/portal-sign-in';
import { createPartner, createProgram, issueToken, makePartnerApp } from '../me/helpers';

// GET /portal/login without a fragment — Back from the "Sign in as …?" page where the browser kept
// the link page's history entry (its script took the #token= away), or the address typed — is no
// broken link: the page's script shows how to sign in (and, signed in, a way to the portal).

const NONE_SIGNED_OUT =
  '<div id="sign-in-link-none" hidden=""><p>To sign in, open the sign-in link you received from the program again. If it has expired, ask the program for a new one.</p></div>';
const NONE_SIGNED_IN =
  '<div id="sign-in-link-none" hidden=""><p>This browser is signed in. <a href="/portal">Go to your partner portal</a></p>' +
  '<p>To sign in, open the sign-in link you received from the program again. If it has expired, ask the program for a new one.</p></div>';

describe('the sign-in link page without its fragment', () => {
  it('says how to sign in; signed in, it links to the portal; a made-up session cookie is not signed in; no cookie set', async () => {
    const h = await makePartnerApp();
    const program = await createProgram(h, { currency: 'EUR' });
    const jane = await createPartner(h, program.id, 'Jane', 'jane@partner.test', 'JANE');
    const cookie = await portalSignIn((path, init) => h.app.request(path, init), await issueToken(h, jane.id));
    const cases: [Record<string, string>, string][] = [
      [{}, NONE_SIGNED_OUT],
      [{ cookie }, NONE_SIGNED_IN],
      [{ cookie: '__Host-rl_portal=made-up' }, NONE_SIGNED_OUT],
    ];
    for (const [headers, expected] of cases) {
      const res = await h.app.request('/portal/login', { headers });
      expect(res.status).toBe(200);
      expect(res.headers.getSetCookie()).toEqual([]);
      const html = await res.text();
      expect(html).toContain(expected);
      // hidden until the script finds no fragment; a fragment without a token is still "incomplete"
      const script = /<script nonce="[^"]+">([\s\S]*?)<\/script>/.exec(html)![1]!;
      expect(script).toContain("if (!location.hash) { show('sign-in-link-none'); return; }");
      expect(script).toContain("if (!token) { show('sign-in-link-missing'); return; }");
      expect(script).toContain("addEventListener('pageshow', function (e) { if (e.persisted) show('sign-in-link-none'); });");
    }
  });

  it('the "Sign in as …?" page turns its history entry into plain GET /portal/login: one nonce\'d script', async () => {
    const h = await makePartnerApp();
    const program = await createProgram(h, { currency: 'EUR' });
    const jane = await createPartner(h, program.id, 'Jane', 'jane@partner.test', 'JANE');
    const token = await issueToken(h, jane.id);
    const asked = [
      await h.app.request('/portal/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ step: 'ask', token }) }),
      await h.app.request(`/portal/login?token=${token}`),
    ];
    for (const res of asked) {
      expect(res.status).toBe(200);
      const nonce = /script-src 'nonce-([A-Za-z0-9_-]+)'/.exec(res.headers.get('content-security-policy')!)![1]!;
      const html = await res.text();
      expect(html).toContain('<h1>Sign in to the Acme referrals partner portal as Jane (j•••@partner.test)?</h1>');
      expect([...html.matchAll(/<script[^>]*>[^<]*<\/script>/g)].map((m) => m[0])).toEqual([`<script nonce="${nonce}">history.replaceState(null, '', location.pathname);</script>`]);
    }
  });
});
