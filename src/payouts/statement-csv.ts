import type { Context } from 'hono';
import type { AppEnv } from '../env';
import type { PayoutStatementRows } from '../db/queries/payout-statements';
import { formatMinor } from '../lib/money';
import { csvLine, textCell } from '../reports/report-csv';
import { statementEntries } from './payout-json';

export const STATEMENT_CSV_HEADER = [
  'payout_id',
  'payout_status',
  'created_at',
  'commission_id',
  'kind',
  'status',
  'amount',
  'unit',
  'event_id',
  'reverses_id',
  'link_code',
  'campaign',
  'explanation',
] as const;

/**
 * A whole payout statement as RFC 4180 CSV (CRLF, header first), one line per entry, newest first;
 * amounts in major units, signed (reversals and adjustments are negative), adding up to the payout.
 * Free text (link code, campaign, explanation) is defused against spreadsheet formulas.
 */
export function statementCsv(s: PayoutStatementRows): string {
  let out = csvLine(STATEMENT_CSV_HEADER);
  for (const e of statementEntries(s)) {
    out += csvLine([
      s.payout.id,
      s.payout.status,
      e.createdAt.toISOString(),
      e.id,
      e.kind,
      e.status,
      formatMinor(e.amount, e.unit),
      textCell(e.unit),
      e.eventId,
      e.reversesId ?? '',
      textCell(e.linkCode ?? ''),
      textCell(e.campaign ?? ''),
      textCell(e.explanation),
    ]);
  }
  return out;
}

/** The statement as a CSV download (API and portal alike): never cached, never sniffed. */
export function sendStatementCsv(c: Context<AppEnv>, s: PayoutStatementRows) {
  return c.body(statementCsv(s), 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="payout-${s.payout.id}.csv"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
}
