import type { PartnerRow } from '../../db/queries/partners';
import { MAX_PAYOUT_DETAILS_LENGTH, PAYOUT_METHODS, type PayoutMethod } from '../../partners/check-payout-details';

export const PAYOUT_METHOD_LABELS: Record<PayoutMethod, string> = {
  paypal: 'PayPal',
  wise: 'Wise',
  bank_transfer: 'Bank transfer',
  other: 'Other',
};

/**
 * The dashboard's "Payout details": how the partner is paid now, when that was last changed (UTC),
 * and a form to change it (POST /portal/payout-details with the session's CSRF token).
 */
export function PayoutDetailsSection(props: { partner: PartnerRow; csrf: string }) {
  const { payoutMethod, payoutDetails, payoutDetailsUpdatedAt } = props.partner;
  return (
    <section aria-labelledby="payout-details">
      <h2 id="payout-details">Payout details</h2>
      {payoutMethod && payoutDetails !== null ? (
        <p data-payout-details>
          {PAYOUT_METHOD_LABELS[payoutMethod]}: <b>{payoutDetails}</b>
          {payoutDetailsUpdatedAt ? <span class="muted"> · updated {payoutDetailsUpdatedAt.toISOString().slice(0, 10)} (UTC)</span> : null}
        </p>
      ) : (
        <p class="muted" data-payout-details>Not set yet: tell the program how you want to be paid.</p>
      )}
      <form method="post" action="/portal/payout-details" class="link-row payout-form">
        <input type="hidden" name="csrf" value={props.csrf} />
        <label class="sr-only" for="payout-method">Payout method</label>
        <select id="payout-method" name="method">
          {PAYOUT_METHODS.map((m) => (
            <option value={m} selected={m === payoutMethod}>{PAYOUT_METHOD_LABELS[m]}</option>
          ))}
        </select>
        <label class="sr-only" for="payout-details-input">Payout details</label>
        <input id="payout-details-input" name="details" required maxlength={MAX_PAYOUT_DETAILS_LENGTH} placeholder="PayPal email, or IBAN and account holder" />
        <button type="submit">Save payout details</button>
      </form>
    </section>
  );
}
