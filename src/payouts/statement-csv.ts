import type { Context } from 'hono';
import type { AppEnv } from '../env';
import type { Db } from '../db/client';
import { readPayoutStatementPage, type PayoutStatementPage, type StatementLineRow, type StatementScope } from '../db/queries/payout-statements';
import { formatMinor } from '../lib/money';
import { encodeCursor } from '../lib/pagination';
import { csvLine, textCell } from '../reports/report-csv';

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
 * The admin's statement only: how the partner wants to be paid, as the partner row says when the
 * file is read (not when the payout was built), on every line so a filtered sheet keeps them.
 */
export const PAYEE_CSV_COLUMNS = ['payout_method', 'payout_details', 'payout_details_updated_at'] as const;

/** Entries read per page of a statement download: memory stays one page, whatever the payout's size. */
export const STATEMENT_CSV_PAGE = 500;

/**
 * One page of a statement as CSV lines (CRLF), newest first; amounts in major units, signed
 * (reversals and adjustments are negative). Free text (unit, link code, campaign, explanation) is
 * defused against spreadsheet formulas. `entries` holds at most `limit` rows here.
 */
export function statementCsvLines(s: PayoutStatementPage, withPayee = false): string {
  let out = '';
  // Free text the partner typed: defused like the rest.
  const payee = withPayee ? [textCell(s.payee?.payoutMethod ?? ''), textCell(s.payee?.payoutDetails ?? ''), s.payee?.payoutDetailsUpdatedAt?.toISOString() ?? ''] : [];
  for (const { commission: e, linkCode, campaign } of s.entries) {
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
      textCell(linkCode ?? ''),
      textCell(campaign ?? ''),
      textCell(e.explanation),
      ...payee,
    ]);
  }
  return out;
}

/**
 * A whole payout statement as RFC 4180 CSV (header first, one line per entry, newest first, adding
 * up to the payout), streamed: the entries are read keyset-paged, `pageSize` at a time, each page
 * with the payout in one batch, only when the client is ready for more. Null when the payout is
 * not the reader's (read before anything is sent, so the caller can still answer 404). `entry`
 * maps each entry before it is written (a partner reads its explanations as money). An admin's file
 * (`scope` 'admin') also has PAYEE_CSV_COLUMNS, read with each page.
 * Web streams only: the same code runs on Node and on Workers.
 */
export async function streamStatementCsv(
  db: Db,
  payoutId: string,
  scope: StatementScope,
  { pageSize = STATEMENT_CSV_PAGE, entry }: { pageSize?: number; entry?: (e: StatementLineRow) => StatementLineRow } = {},
): Promise<{ payoutId: string; body: ReadableStream<Uint8Array> } | null> {
  let next: PayoutStatementPage | null = await readPayoutStatementPage(db, payoutId, scope, { limit: pageSize });
  if (!next) return null;
  const encoder = new TextEncoder();
  const withPayee = scope === 'admin';
  let text = csvLine(withPayee ? [...STATEMENT_CSV_HEADER, ...PAYEE_CSV_COLUMNS] : STATEMENT_CSV_HEADER);
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!next) {
        controller.close();
        return;
      }
      const more = next.entries.length > pageSize;
      const shown = more ? { ...next, entries: next.entries.slice(0, pageSize) } : next;
      text += statementCsvLines(entry ? { ...shown, entries: shown.entries.map(entry) } : shown, withPayee);
      controller.enqueue(encoder.encode(text));
      text = '';
      const last = shown.entries[shown.entries.length - 1]?.commission;
      try {
        next = more && last ? await readPayoutStatementPage(db, payoutId, scope, { limit: pageSize, cursor: encodeCursor(last.createdAt, last.id) }) : null;
      } catch (err) {
        // The status line is sent: the client can only see the download break off, not a 500.
        console.error('statement download failed', payoutId, String(err));
        controller.error(err);
        return;
      }
      if (!next) controller.close();
    },
  });
  return { payoutId, body };
}

/** The statement as a CSV download (admin API, partner API and portal alike): never cached, never sniffed. */
export function sendStatementCsv(c: Context<AppEnv>, csv: { payoutId: string; body: ReadableStream<Uint8Array> }) {
  return c.body(csv.body, 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="payout-${csv.payoutId}.csv"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
}
