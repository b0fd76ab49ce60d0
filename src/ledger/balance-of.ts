import type { Db } from '../db/client';
import { partnerBalance } from '../db/queries/ledger';
import { formatMinor } from '../lib/money';

/** Per unit: pending, approved (not yet paid, including entries in an unpaid payout) and paid. */
export async function balanceOf(db: Db, partnerId: string) {
  const byUnit = new Map<string, { unit: string; pending: number; approved: number; paid: number }>();
  for (const r of await partnerBalance(db, partnerId)) {
    if (r.status === 'reversed') continue;
    const b = byUnit.get(r.unit) ?? { unit: r.unit, pending: 0, approved: 0, paid: 0 };
    b[r.status] += Number(r.total);
    byUnit.set(r.unit, b);
  }
  return [...byUnit.values()]
    .sort((a, b) => a.unit.localeCompare(b.unit))
    .map((b) => ({ ...b, formatted: { pending: formatMinor(b.pending, b.unit), approved: formatMinor(b.approved, b.unit), paid: formatMinor(b.paid, b.unit) } }));
}
