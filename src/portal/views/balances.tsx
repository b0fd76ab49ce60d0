import { formatMoney } from '../../lib/format-money';
import type { Dashboard } from '../load-dashboard';

type Status = 'pending' | 'approved' | 'paid';

const STATUSES: { status: Status; label: string; hint: string }[] = [
  { status: 'pending', label: 'Pending', hint: 'Earned, in its hold period' },
  { status: 'approved', label: 'Approved', hint: 'Earned and approved, not yet paid' },
  { status: 'paid', label: 'Paid', hint: 'Paid out to you' },
];

/**
 * The partner's balances as three cards — Pending, Approved, Paid — each listing one amount per unit
 * the partner earns in (€3.00, 1 point): the amounts name their unit, so the labels need not, and a
 * partner with one unit reads one amount per card. The API's /v1/me/balance stays per unit.
 */
export function Balances(props: { balances: Dashboard['balances'] }) {
  const { balances } = props;
  if (balances.length === 0) return <p class="muted">No earnings yet.</p>;
  return (
    <div class="cards">
      {STATUSES.map(({ status, label, hint }) => (
        <dl class="card" data-status={status}>
          <dt>{label}</dt>
          {balances.map((b) => (
            <dd data-unit={b.unit} data-balance={status}>{formatMoney(b[status], b.unit)}</dd>
          ))}
          <dd class="muted">{hint}</dd>
        </dl>
      ))}
    </div>
  );
}
