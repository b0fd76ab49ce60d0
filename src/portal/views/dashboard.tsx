import { formatMoney } from '../../lib/format-money';
import { partnerExplanation } from '../../rewards/partner-explanation';
import { createLinkSchema } from '../../links/schemas';
import { SHOWN, type Dashboard } from '../load-dashboard';
import { Balances } from './balances';
import { DailyChart } from './chart';
import { Layout } from './layout';
import { PayoutDetailsSection } from './payout-details';

export interface LeaderboardRow {
  rank: number;
  partnerId: string;
  partnerName: string;
  value: number;
}

const copyScript = `document.querySelectorAll('[data-copy]').forEach(function(b){b.addEventListener('click',function(){
var i=document.getElementById(b.getAttribute('data-copy'));var done=function(){b.textContent='Copied';};
if(navigator.clipboard){navigator.clipboard.writeText(i.value).then(done,function(){i.select();document.execCommand('copy');done();});}
else{i.select();document.execCommand('copy');done();}});});`;

/** The API's campaign limit (createLinkSchema): the form's maxlength and the portal's check. */
export const MAX_CAMPAIGN_LENGTH = createLinkSchema.shape.campaign.unwrap().maxLength ?? 100;

/** A UTC day; the headers say so (a partner's local day may differ). */
const day = (d: Date) => d.toISOString().slice(0, 10);

export function DashboardPage(props: { d: Dashboard; days: number; baseUrl: string; csrf: string; nonce: string; leaderboard: LeaderboardRow[] | null; notice?: string }) {
  const { d, days, baseUrl, csrf, nonce, leaderboard } = props;
  return (
    <Layout title={`${d.program.name} — partner portal`} nonce={nonce}>
      <header>
        <div>
          <h1>{d.program.name}</h1>
          <div class="muted">Signed in as {d.partner.name} · referral code <b>{d.partner.code}</b></div>
        </div>
        <nav aria-label="Portal">
          <a href="/portal?days=30" aria-current={days === 30 ? 'page' : undefined}>30 days</a>
          <a href="/portal?days=90" aria-current={days === 90 ? 'page' : undefined}>90 days</a>
          <a href={`/portal/report.csv?days=${days}`} download>Download CSV</a>
          <SignOutForm csrf={csrf} />
        </nav>
      </header>
      <main>
        {props.notice ? <p role="status">{props.notice}</p> : null}
        <section aria-labelledby="earnings">
          <h2 id="earnings">Earnings</h2>
          <Balances balances={d.balances} />
        </section>
        <section aria-labelledby="activity">
          <h2 id="activity">Last {days} days (UTC)</h2>
          <DailyChart series={d.series} />
        </section>
        <section aria-labelledby="links">
          <h2 id="links">Your links</h2>
          {d.links.map((l) => {
            const share = `${baseUrl}/${encodeURIComponent(l.code)}`;
            // An archived link sends visitors to the program's page without recording a click: nothing to share.
            const archived = l.archivedAt !== null;
            return (
              <div class="link-row" data-link={l.code} data-archived={archived ? 'true' : undefined}>
                <label class="sr-only" for={`share-${l.id}`}>{archived ? 'Archived URL' : 'Share URL'} for {l.code}</label>
                <input id={`share-${l.id}`} value={share} readonly />
                {archived ? (
                  <span class="tag">Archived</span>
                ) : (
                  // live from the start, so screen readers announce the change to "Copied"
                  <button type="button" data-copy={`share-${l.id}`} aria-live="polite">Copy</button>
                )}
                <span class="muted">→ {l.url}{l.campaign ? ` · ${l.campaign}` : ''}{archived ? ' · no longer records clicks' : ''}</span>
              </div>
            );
          })}
          <More shown={d.more.links} list="links" />
          <form method="post" action="/portal/links" class="link-row new-link">
            <input type="hidden" name="csrf" value={csrf} />
            <label class="sr-only" for="new-url">Destination URL</label>
            <input id="new-url" name="url" type="url" placeholder={d.program.defaultUrl} />
            <label class="sr-only" for="new-campaign">Campaign</label>
            <input id="new-campaign" name="campaign" maxlength={MAX_CAMPAIGN_LENGTH} placeholder="campaign (optional)" />
            <button type="submit">Create link</button>
          </form>
        </section>
        <section aria-labelledby="commissions">
          <h2 id="commissions">Commissions</h2>
          {d.commissions.length === 0 ? <p class="muted">No commissions yet.</p> : (
            <table>
              <thead><tr><th>Date (UTC)</th><th class="num">Amount</th><th>Status</th><th>Why</th></tr></thead>
              <tbody>
                {d.commissions.map((c) => (
                  <tr data-commission={c.id}>
                    <td>{day(c.createdAt)}</td>
                    <td class="num">{formatMoney(c.amount, c.unit)}</td>
                    {/* when a pending entry's hold ends, so "pending" is not open-ended */}
                    <td>{c.status === 'pending' ? `pending until ${day(c.holdUntil)}` : c.status}</td>
                    <td>{partnerExplanation(c.explanation, c.unit, d.program.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <More shown={d.more.commissions} list="commissions" />
        </section>
        <section aria-labelledby="payouts">
          <h2 id="payouts">Payouts</h2>
          {d.payouts.length === 0 ? <p class="muted">No payouts yet.</p> : null}
          {d.payouts.length === 0 ? null : (
            <table>
              <thead><tr><th>Date (UTC)</th><th class="num">Amount</th><th class="num">Commissions</th><th>Status</th></tr></thead>
              <tbody>
                {d.payouts.map((p) => (
                  <tr data-payout={p.id}>
                    <td><a href={`/portal/payouts/${p.id}`}>{day(p.createdAt)}</a></td>
                    <td class="num">{formatMoney(p.amount, p.unit)}</td>
                    <td class="num">{p.entryCount}</td>
                    <td>{p.status}{p.paidAt ? ` ${day(p.paidAt)}` : ''}{p.canceledAt ? ` ${day(p.canceledAt)}` : ''}{p.reference ? ` · ${p.reference}` : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <More shown={d.more.payouts} list="payouts" />
        </section>
        <PayoutDetailsSection partner={d.partner} csrf={csrf} />
        {leaderboard ? (
          <section aria-labelledby="leaderboard">
            <h2 id="leaderboard">Leaderboard (sales, last {days} days)</h2>
            {leaderboard.length === 0 ? <p class="muted">No sales in the last {days} days yet.</p> : (
              <ol>
                {leaderboard.map((r) => (
                  <li data-rank={r.rank}>{r.partnerId === d.partner.id ? <b>{r.partnerName} (you)</b> : r.partnerName} — {r.value}</li>
                ))}
              </ol>
            )}
          </section>
        ) : null}
      </main>
      <footer>
        <form method="post" action="/portal/logout" class="everywhere">
          <input type="hidden" name="csrf" value={csrf} />
          <input type="hidden" name="everywhere" value="1" />
          <button type="submit">Sign out everywhere</button>
          <span class="muted"> Ends this session and every sign-in link and API token you were given so far.</span>
        </form>
      </footer>
      <script nonce={nonce} dangerouslySetInnerHTML={{ __html: copyScript }} />
    </Layout>
  );
}

/** Says that a list stops at the page's limit rather than letting older rows vanish unmentioned. */
function More(props: { shown: boolean; list: keyof typeof SHOWN }) {
  return props.shown ? <p class="muted" data-more={props.list}>Showing your newest {SHOWN[props.list]} {props.list}.</p> : null;
}

/** Sign-out is a POST with the session's CSRF token: another site cannot sign a partner out. */
function SignOutForm(props: { csrf: string }) {
  return (
    <form method="post" action="/portal/logout" class="signout">
      <input type="hidden" name="csrf" value={props.csrf} />
      <button type="submit">Sign out</button>
    </form>
  );
}

/** GET /portal/logout while signed in: the same form, one click away. */
export function SignOutPage(props: { csrf: string; nonce: string }) {
  return (
    <Layout title="Sign out" nonce={props.nonce}>
      <main>
        <h1>Sign out</h1>
        <SignOutForm csrf={props.csrf} />
      </main>
    </Layout>
  );
}

export function MessagePage(props: { title: string; message: string; nonce: string; home?: boolean }) {
  return (
    <Layout title={props.title} nonce={props.nonce}>
      <main>
        <h1>{props.title}</h1>
        <p>{props.message}</p>
        {props.home ? <p><a href="/portal">Go to the partner portal</a></p> : null}
      </main>
    </Layout>
  );
}
