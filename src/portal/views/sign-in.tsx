import type { SignInOffer } from '../confirm-sign-in';
import { Layout } from './layout';

/**
 * GET /portal/login?token=: asks before signing in, naming the program and the partner, so a link
 * from someone else does not quietly put this browser into their account. The token travels on in
 * the form's body, never in a URL again.
 */
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
      </main>
    </Layout>
  );
}
