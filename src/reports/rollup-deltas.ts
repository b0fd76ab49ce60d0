/** Dimensions every click and conversion is counted under ('all' has the empty key). */
export const ROLLUP_DIMS = ['all', 'link', 'campaign', 'country', 'device', 'browser', 'os', 'referrer'] as const;
export type RollupDim = (typeof ROLLUP_DIMS)[number];

export interface RollupDelta {
  programId: string;
  partnerId: string;
  day: string;
  dim: string;
  key: string;
  clicks: number;
  uniqueClicks: number;
  botClicks: number;
  leads: number;
  sales: number;
  revenue: number;
}

export interface CommissionDelta {
  programId: string;
  partnerId: string;
  day: string;
  dim: string;
  key: string;
  unit: string;
  amount: number;
}

/** The facts that decide a row's dimension keys; unknown values are ''. */
export interface DimFacts {
  linkId: string | null;
  campaign: string | null;
  country: string | null;
  deviceType: string | null;
  browser: string | null;
  os: string | null;
  referrerHost: string | null;
}

export const utcDay = (d: Date) => d.toISOString().slice(0, 10);

export function dimKeys(f: DimFacts): Record<RollupDim, string> {
  return {
    all: '',
    link: f.linkId ?? '',
    campaign: f.campaign ?? '',
    country: f.country ?? '',
    device: f.deviceType ?? '',
    browser: f.browser ?? '',
    os: f.os ?? '',
    referrer: f.referrerHost ?? '',
  };
}

const zero = { clicks: 0, uniqueClicks: 0, botClicks: 0, leads: 0, sales: 0, revenue: 0 };

/** One delta per dimension for a single fact (a click, a lead, a sale, a refund). */
export function deltasFor(
  base: { programId: string; partnerId: string; at: Date },
  facts: DimFacts,
  counts: Partial<typeof zero>,
): RollupDelta[] {
  const keys = dimKeys(facts);
  const day = utcDay(base.at);
  return ROLLUP_DIMS.map((dim) => ({ programId: base.programId, partnerId: base.partnerId, day, dim, key: keys[dim], ...zero, ...counts }));
}

export function commissionDeltasFor(
  base: { programId: string; partnerId: string; at: Date },
  facts: DimFacts,
  unit: string,
  amount: number,
): CommissionDelta[] {
  const keys = dimKeys(facts);
  const day = utcDay(base.at);
  return ROLLUP_DIMS.map((dim) => ({ programId: base.programId, partnerId: base.partnerId, day, dim, key: keys[dim], unit, amount }));
}

const rowKey = (d: { programId: string; partnerId: string; day: string; dim: string; key: string }) =>
  `${d.programId}\u0000${d.partnerId}\u0000${d.day}\u0000${d.dim}\u0000${d.key}`;

/** Sums deltas that hit the same rollup row, so a batch writes each row once. */
export function mergeDeltas(deltas: readonly RollupDelta[]): RollupDelta[] {
  const map = new Map<string, RollupDelta>();
  for (const d of deltas) {
    const k = rowKey(d);
    const prev = map.get(k);
    if (!prev) map.set(k, { ...d });
    else
      for (const f of ['clicks', 'uniqueClicks', 'botClicks', 'leads', 'sales', 'revenue'] as const) prev[f] += d[f];
  }
  return [...map.values()];
}

export function mergeCommissionDeltas(deltas: readonly CommissionDelta[]): CommissionDelta[] {
  const map = new Map<string, CommissionDelta>();
  for (const d of deltas) {
    const k = `${rowKey(d)}\u0000${d.unit}`;
    const prev = map.get(k);
    if (!prev) map.set(k, { ...d });
    else prev.amount += d.amount;
  }
  return [...map.values()];
}
