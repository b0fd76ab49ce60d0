import { formatMinor } from '../lib/money';
import type { Report } from './build-report';

/** The fixed columns; one `commission_<unit>` column per unit follows them (see commissionUnits). */
export const CSV_HEADER = [
  'key',
  'label',
  'clicks',
  'unique_clicks',
  'leads',
  'click_leads',
  'sales',
  'revenue',
  'currency',
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
 * The units that get a commission column: the program currency first (always, so the common
 * case has one fixed layout), then every other unit in the report, sorted by code.
 */
export function commissionUnits(report: Report): string[] {
  const others = new Set<string>();
  for (const m of [...report.rows, report.totals]) for (const c of m.commissions) if (c.unit !== report.currency) others.add(c.unit);
  return [report.currency, ...[...others].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))];
}

/**
 * The report as RFC 4180 CSV (CRLF line ends, header first). One line per key, so summing any
 * column in a spreadsheet gives the total; commissions in one column per unit (0 where a key
 * earned none in it); money in major units; a figure the rollups cannot tell (null) is empty.
 * No totals line: it would be summed with the rows.
 */
export function reportCsv(report: Report): string {
  const units = commissionUnits(report);
  let out = csvLine([...CSV_HEADER, ...units.map((u) => textCell(`commission_${u}`))]);
  for (const r of report.rows) {
    const amounts = new Map(r.commissions.map((c) => [c.unit, c.amount]));
    out += csvLine([
      textCell(r.key),
      textCell(r.label ?? ''),
      String(r.clicks),
      String(r.uniqueClicks),
      String(r.leads),
      r.clickLeads === null ? '' : String(r.clickLeads),
      String(r.sales),
      formatMinor(r.revenue, report.currency),
      report.currency,
      r.conversionRate === null ? '' : String(r.conversionRate),
      ...units.map((u) => formatMinor(amounts.get(u) ?? 0, u)),
    ]);
  }
  return out;
}

export const csvFilename = (r: Pick<Report, 'from' | 'to'>, programId: string) => `report-${programId}-${r.from}-${r.to}.csv`;
