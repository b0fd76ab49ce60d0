import { formatMinor } from '../lib/money';
import type { Report } from './build-report';

export const CSV_HEADER = [
  'key',
  'label',
  'clicks',
  'unique_clicks',
  'leads',
  'sales',
  'revenue',
  'currency',
  'commissions',
  'commission_unit',
  'conversion_rate',
] as const;

/**
 * A text cell a spreadsheet must not run as a formula (CSV injection): a leading = + - @ (or tab /
 * CR) gets a ' in front. Only for free text (keys, labels) — our own numbers may start with '-'.
 * So does one after a `;` (and any quotes): Excel in German, French… locales splits lines at `;`,
 * quoted or not, so `x;=1+1` would open as a cell `=1+1` of its own there.
 */
export function textCell(s: string): string {
  const t = s.replace(/;("*)(?=[=+\-@\t\r])/g, ";$1'");
  return /^[=+\-@\t\r]/.test(t) ? `'${t}` : t;
}

/** RFC 4180: quote a field holding a comma, quote, CR or LF, doubling its quotes. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line (CRLF-terminated) of already-defused cells. */
export const csvLine = (cells: readonly string[]) => `${cells.map(csvField).join(',')}\r\n`;

/**
 * The report as RFC 4180 CSV (CRLF line ends, header first). One line per key and commission unit
 * (one line with empty commission cells when there are none); money in major units.
 */
export function reportCsv(report: Report): string {
  let out = csvLine(CSV_HEADER);
  for (const r of report.rows) {
    const base = [
      textCell(r.key),
      textCell(r.label ?? ''),
      String(r.clicks),
      String(r.uniqueClicks),
      String(r.leads),
      String(r.sales),
      formatMinor(r.revenue, report.currency),
      report.currency,
    ];
    const rate = String(r.conversionRate);
    const units = r.commissions.length > 0 ? r.commissions : [null];
    for (const u of units) out += csvLine([...base, u ? formatMinor(u.amount, u.unit) : '', u ? textCell(u.unit) : '', rate]);
  }
  return out;
}

export const csvFilename = (r: Pick<Report, 'from' | 'to'>, programId: string) => `report-${programId}-${r.from}-${r.to}.csv`;
