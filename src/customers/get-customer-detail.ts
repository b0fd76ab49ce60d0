import type { Db } from '../db/client';
import type { ProgramRow } from '../db/queries/programs';
import { DETAIL_CREDITS, findProgramCustomer, readCustomerDetail } from '../db/queries/customers';
import { commissionJson } from '../conversions/conversion-json';
import { NotFoundError } from '../lib/errors';
import { exactAmount, formatMinor } from '../lib/money';
import { adminCustomerJson } from './customer-json';

type Detail = Awaited<ReturnType<typeof readCustomerDetail>>;

/**
 * A customer's events per type, whatever their attribution (a rejected self-referral's sale is
 * still the customer's purchase): counts, and revenue as reports count it — sales minus refunds,
 * in the program currency (tracking refuses a sale in another one).
 */
function eventsSummary(rows: Detail['eventTypes'], currency: string) {
  const of = (type: string) => rows.find((r) => r.type === type);
  const sum = (type: string) => exactAmount(Number(of(type)?.amount ?? 0), `the customer's ${type} total`);
  const revenue = exactAmount(sum('sale') - sum('refund'), "the customer's revenue");
  const times = rows.flatMap((r) => [r.firstAt, r.lastAt]).filter((d): d is Date => d !== null).map((d) => d.getTime());
  return {
    leads: Number(of('lead')?.count ?? 0),
    sales: Number(of('sale')?.count ?? 0),
    refunds: Number(of('refund')?.count ?? 0),
    customEvents: Number(of('custom')?.count ?? 0),
    revenue,
    revenueFormatted: formatMinor(revenue, currency),
    currency,
    firstEventAt: times.length ? new Date(Math.min(...times)).toISOString() : null,
    lastEventAt: times.length ? new Date(Math.max(...times)).toISOString() : null,
  };
}

/**
 * What the customer is owed per unit: `pending` (in its hold) and `approved` (due: grant it), each
 * the sum of its credits and their partial reversals in that status. Fully refunded or voided
 * credits are `reversed` and count nowhere; payouts never take customer credits, so none is `paid`.
 */
function creditBalances(rows: Detail['creditSums']) {
  const byUnit = new Map<string, { unit: string; pending: number; approved: number }>();
  for (const r of rows) {
    if (r.status !== 'pending' && r.status !== 'approved') continue;
    const b = byUnit.get(r.unit) ?? { unit: r.unit, pending: 0, approved: 0 };
    b[r.status] = exactAmount(Number(r.total), `the customer's ${r.status} ${r.unit} credit`);
    byUnit.set(r.unit, b);
  }
  return [...byUnit.values()]
    .sort((a, b) => a.unit.localeCompare(b.unit))
    .map((b) => ({ ...b, formatted: { pending: formatMinor(b.pending, b.unit), approved: formatMinor(b.approved, b.unit) } }));
}

/**
 * One customer of the program with its attribution history (oldest first, the newest 100 touches),
 * its events summary and its customer credits (two-sided rewards). A customer of another program
 * is a 404 like an unknown id.
 */
export async function getCustomerDetail({ db, program, customerId }: { db: Db; program: ProgramRow; customerId: string }) {
  const customer = await findProgramCustomer(db, program.id, customerId);
  if (!customer) throw new NotFoundError('Customer');
  const d = await readCustomerDetail(db, customer);
  const more = d.credits.length > DETAIL_CREDITS;
  return {
    ...adminCustomerJson(customer),
    attribution: {
      model: program.attributionModel,
      touches: d.touches.reverse().map((t) => ({ partnerId: t.partnerId, partnerName: t.partnerName, linkId: t.linkId, clickId: t.clickId, at: t.at.toISOString() })),
    },
    events: eventsSummary(d.eventTypes, program.currency),
    credits: {
      balances: creditBalances(d.creditSums),
      entries: (more ? d.credits.slice(0, DETAIL_CREDITS) : d.credits).map((row) => commissionJson(row, program.currency)),
      moreEntries: more,
    },
  };
}
