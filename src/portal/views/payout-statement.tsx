import type { PayoutStatementRows } from '../../db/queries/payout-statements';
import { formatMoney } from '../../lib/format-money';
import { statementEntries } from '../../payouts/payout-json';
import { Layout } from './layout';

/** How many entries the statement page shows, newest first (the CSV has them all). */
export const STATEMENT_SHOWN = 200;

const day = (d: Date) => d.toISOString().slice(0, 10);

/** GET /portal/payouts/:id — one payout of the signed-in partner: summary, entries, CSV link. */
export function PayoutStatementPage(props: { s: PayoutStatementRows; nonce: string }) {
  const { s, nonce } = props;
  const p = s.payout;
  // as everywhere in the portal: the explanations' money style (€12.00, ¥1,200, 500 MB)
  const money = (amount: number) => formatMoney(amount, p.unit);
  const entries = statementEntries(s).slice(0, STATEMENT_SHOWN);
  return (
    <Layout title={`Payout of ${money(p.amount)} — partner portal`} nonce={nonce}>
      <header>
        <div>
          <h1>Payout of {money(p.amount)}</h1>
          <div class="muted">{p.id}</div>
        </div>
        <nav aria-label="Portal">
          <a href="/portal">Back to the portal</a>
          <a href={`/portal/payouts/${p.id}/statement.csv`} download>Download CSV</a>
        </nav>
      </header>
      <main>
        <section aria-labelledby="summary">
          <h2 id="summary">Summary</h2>
          <div class="cards">
            <div class="card"><span class="muted">Status</span><b data-summary="status">{p.status}</b></div>
            <div class="card"><span class="muted">Created (UTC)</span><b data-summary="created">{day(p.createdAt)}</b></div>
            <div class="card"><span class="muted">Paid (UTC)</span><b data-summary="paid">{p.paidAt ? day(p.paidAt) : '—'}</b></div>
            <div class="card"><span class="muted">Commissions</span><b data-summary="entries">{p.entryCount}</b></div>
          </div>
          {p.reference ? <p>Transfer reference: <b data-summary="reference">{p.reference}</b></p> : null}
          {p.status === 'canceled' ? (
            <p data-summary="canceled">
              Canceled on {p.canceledAt ? day(p.canceledAt) : '—'}{p.cancelReason ? `: ${p.cancelReason}` : ''}. Nothing was paid: its commissions are back in your approved balance and go into a later payout.
            </p>
          ) : null}
          {s.period ? <p class="muted">Earned from {day(s.period.from)} to {day(s.period.to)} (UTC days).</p> : null}
        </section>
        <section aria-labelledby="entries">
          <h2 id="entries">Commissions</h2>
          <table>
            <thead><tr><th>Date (UTC)</th><th>Kind</th><th class="num">Amount</th><th>Link</th><th>Why</th></tr></thead>
            <tbody>
              {entries.map((e) => (
                <tr data-entry={e.id}><td>{day(e.createdAt)}</td><td>{e.kind}</td><td class="num">{money(e.amount)}</td><td>{e.linkCode ?? '—'}{e.campaign ? ` · ${e.campaign}` : ''}</td><td>{e.explanation}</td></tr>
              ))}
            </tbody>
            {/* A canceled payout has no entries left (they were released); its amount is what it was built for. */}
            {p.status === 'canceled' ? null : (
              <tfoot><tr><th scope="row" colspan={2}>Total</th><td class="num" data-total>{money(p.amount)}</td><td colspan={2}></td></tr></tfoot>
            )}
          </table>
          {s.entries.length > STATEMENT_SHOWN ? (
            <p class="muted" data-more="entries">Showing the newest {STATEMENT_SHOWN} of {p.entryCount} commissions; the CSV has them all.</p>
          ) : null}
        </section>
      </main>
    </Layout>
  );
}
