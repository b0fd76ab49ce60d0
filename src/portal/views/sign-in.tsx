import type { SignInOffer } from '../confirm-sign-in';
import { Layout } from './layout';

/**
 * GET /portal/login?token= (and the POST its link page sends, step=ask): asks before signing in, naming the program and the partner, so a link
 * from someone else does not quietly put this browser into their account. The token travels on in
 * the form's body, never in a URL again.
 */
// Turns this page's history entry (a POST's answer, or a ?token= link's URL) into plain GET
// /portal/login: Back from the dashboard then finds the link page without a fragment ("signed in, go
// to your portal") instead of the browser's "Confirm form resubmission", and the token leaves the address bar.
const askedScript = `history.replaceState(null, '', location.pathname);`;

export function SignInPage(props: { offer: SignInOffer; nonce: string }) {
  const { offer } = props;
  const who = `${offer.partner.name} (${offer.partner.email})`;
  return (
    <Layout title={`Sign in — ${offer.programName} partner portal`} nonce={props.nonce} referrer="no-referrer">
      <main>
        <h1>Sign in to the {offer.programName} partner portal as {who}?</h1>
        {offer.replaces ? (
          <p role="alert" class="replaces">
            You are signed in as {offer.replaces.name} ({offer.replaces.email}) in the {offer.replaces.programName} partner
            portal. Signing in here signs you out of that account.
          </p>
        ) : null}
        <p class="muted">Only continue if this is your partner account. If someone else sent you this link, close this page.</p>
        <form method="post" action="/portal/login">
          <input type="hidden" name="token" value={offer.token} />
          <input type="hidden" name="nonce" value={offer.nonce} />
          <button type="submit">Sign in as {offer.partner.name}</button>
        </form>
        <script nonce={props.nonce} dangerouslySetInnerHTML={{ __html: askedScript }} />
      </main>
    </Layout>
  );
}

// Reads the token from the link's fragment (`#token=…`, which browsers never send to a server),
// takes it out of the address bar and this history entry, and posts it (step=ask) for SignInPage.
// Posting during the page's load replaces this entry in most browsers; where it stays, Back (or a
// restore from the back-forward cache) finds the page without a fragment: that is no broken link, so
// it says how to sign in, as for a visit without a link.
const linkScript = `(function () {
  var show = function (id) { document.getElementById(id).hidden = false; };
  addEventListener('pageshow', function (e) { if (e.persisted) show('sign-in-link-none'); });
  if (!location.hash) { show('sign-in-link-none'); return; }
  var match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  history.replaceState(null, '', location.pathname);
  var token = '';
  try { token = match ? decodeURIComponent(match[1]) : ''; } catch (e) {}
  if (!token) { show('sign-in-link-missing'); return; }
  var form = document.getElementById('sign-in-link');
  form.elements.token.value = token;
  form.submit();
})();`;

/**
 * GET /portal/login (no query): the page the issued link `/portal/login#token=…` opens. Only its
 * script sees the token; it posts it to get the "Sign in as …?" page, so the token is in no
 * request line, proxy or server log. Without JavaScript it says so. Without a fragment (Back from
 * the question, or the address typed) it says how to sign in, and links to the portal when this
 * browser is signed in (`signedIn`).
 */
export function SignInLinkPage(props: { nonce: string; signedIn: boolean }) {
  return (
    <Layout title="Sign in — partner portal" nonce={props.nonce} referrer="no-referrer">
      <main>
        <h1>Sign in to the partner portal</h1>
        <noscript>
          <p role="alert">
            Signing in needs JavaScript, which is turned off in this browser: your sign-in link keeps its token where only this page’s script can
            read it. Turn JavaScript on and open the link again.
          </p>
        </noscript>
        <p role="alert" id="sign-in-link-missing" hidden>
          This sign-in link is incomplete. Open the whole link you received, or ask the program for a new one.
        </p>
        <div id="sign-in-link-none" hidden>
          {props.signedIn ? (
            <p>
              This browser is signed in. <a href="/portal">Go to your partner portal</a>
            </p>
          ) : null}
          <p>To sign in, open the sign-in link you received from the program again. If it has expired, ask the program for a new one.</p>
        </div>
        <form method="post" action="/portal/login" id="sign-in-link">
          <input type="hidden" name="token" value="" />
          <input type="hidden" name="step" value="ask" />
        </form>
        <script nonce={props.nonce} dangerouslySetInnerHTML={{ __html: linkScript }} />
      </main>
    </Layout>
  );
}
