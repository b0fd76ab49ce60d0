import type { TestApp } from '../helpers/app';
import { rawClient } from '../foundation/support';

/**
 * The report recounted in the test from the raw clicks, events and ledger rows (never the rollups),
 * written independently of src/reports so the two can be compared.
 */
type Fact = { partner: string; at: number; dims: Record<string, string>; clicks: number; unique: number; leads: number; clickLeads: number; sales: number; revenue: number; unit?: string; amount?: number };

async function rows(t: TestApp, q: string, args: (string | number)[] = []) {
  const res = await rawClient(t).execute({ sql: q, args });
  return res.rows.map((r) => Object.fromEntries(res.columns.map((c) => [c, r[c]]))) as Record<string, any>[];
}

const DAY = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function keyOf(groupBy: string, f: Fact): string {
  const day = dayOf(f.at);
  if (groupBy === 'day') return day;
  if (groupBy === 'month') return day.slice(0, 7);
  if (groupBy === 'week') {
    const midnight = Date.parse(`${day}T00:00:00Z`);
    const dow = new Date(midnight).getUTCDay(); // 0 = Sunday
    return dayOf(midnight - (dow === 0 ? 6 : dow - 1) * DAY);
  }
  if (groupBy === 'partner') return f.partner;
  return f.dims[groupBy]!;
}

export async function loadFacts(t: TestApp, programId: string): Promise<{ facts: Fact[]; labels: Map<string, string> }> {
  const links = new Map((await rows(t, 'select id, code, campaign from links where program_id = ?', [programId])).map((l) => [l.id, l]));
  const clicks = await rows(t, 'select * from clicks where program_id = ?', [programId]);
  const clickById = new Map(clicks.map((c) => [c.id, c]));
  const dimsOf = (linkId: string | null, click: any) => ({
    link: linkId ?? '',
    campaign: (linkId && links.get(linkId)?.campaign) ?? '',
    country: click?.country ?? '',
    device: click?.device_type ?? '',
    browser: click?.browser ?? '',
    os: click?.os ?? '',
    referrer: click?.referrer_host ?? '',
  });
  const zero = { clicks: 0, unique: 0, leads: 0, clickLeads: 0, sales: 0, revenue: 0 };
  const facts: Fact[] = clicks
    .filter((c) => !c.bot)
    .map((c) => ({ partner: c.partner_id, at: Number(c.created_at), dims: dimsOf(c.link_id, c), ...zero, clicks: 1, unique: c.is_unique ? 1 : 0 }));
  const events = await rows(t, `select * from events where program_id = ? and status = 'attributed' and partner_id is not null`, [programId]);
  const eventById = new Map(events.map((e) => [e.id, e]));
  for (const e of events) {
    const base = { partner: e.partner_id, at: Number(e.occurred_at), dims: dimsOf(e.link_id, clickById.get(e.click_id)), ...zero };
    if (e.type === 'lead') facts.push({ ...base, leads: 1, clickLeads: clickById.has(e.click_id) ? 1 : 0 });
    if (e.type === 'sale') facts.push({ ...base, sales: 1, revenue: Number(e.amount ?? 0) });
    if (e.type === 'refund') facts.push({ ...base, revenue: -Number(e.amount ?? 0) });
  }
  for (const c of await rows(t, `select * from commissions where program_id = ? and recipient = 'partner'`, [programId])) {
    const e = eventById.get(c.event_id);
    if (!e) continue;
    facts.push({ partner: e.partner_id, at: Number(e.occurred_at), dims: dimsOf(e.link_id, clickById.get(e.click_id)), ...zero, unit: c.unit, amount: Number(c.amount) });
  }
  const labels = new Map<string, string>([...links.values()].map((l) => [l.id, l.code]));
  for (const p of await rows(t, 'select id, name from partners where program_id = ?', [programId])) labels.set(p.id, p.name);
  return { facts, labels };
}

/** Leads that came through a click, per row; null where the report cannot tell them from leads by code. */
function metrics(fs: Fact[], known: boolean) {
  const s = (k: 'clicks' | 'unique' | 'leads' | 'clickLeads' | 'sales' | 'revenue') => fs.reduce((n, f) => n + f[k], 0);
  const units = new Map<string, number>();
  for (const f of fs) if (f.unit) units.set(f.unit, (units.get(f.unit) ?? 0) + f.amount!);
  const commissions = [...units].filter(([, a]) => a !== 0).sort(([a], [b]) => a.localeCompare(b)).map(([unit, amount]) => ({ unit, amount }));
  const uniqueClicks = s('unique');
  const clickLeads = known ? s('clickLeads') : null;
  const conversionRate = clickLeads === null ? null : uniqueClicks === 0 ? 0 : Math.min(1, Number((clickLeads / uniqueClicks).toFixed(4)));
  return { clicks: s('clicks'), uniqueClicks, leads: s('leads'), clickLeads, sales: s('sales'), revenue: s('revenue'), commissions, conversionRate };
}

export function recountReport(
  all: { facts: Fact[]; labels: Map<string, string> },
  q: { from: string; to: string; groupBy: string; partnerId?: string; campaign?: string },
) {
  const facts = all.facts.filter((f) => {
    const day = dayOf(f.at);
    return day >= q.from && day <= q.to && (!q.partnerId || f.partner === q.partnerId) && (!q.campaign || f.dims.campaign === q.campaign);
  });
  const groups = new Map<string, Fact[]>();
  for (const f of facts) groups.set(keyOf(q.groupBy, f), [...(groups.get(keyOf(q.groupBy, f)) ?? []), f]);
  const labelled = q.groupBy === 'partner' || q.groupBy === 'link';
  const out = [...groups]
    .map(([key, fs]) => ({ key, ...(labelled ? { label: all.labels.get(key) ?? null } : {}), ...metrics(fs, !q.campaign && q.groupBy !== 'link' && q.groupBy !== 'campaign') }))
    .filter((r) => r.clicks || r.uniqueClicks || r.leads || r.sales || r.revenue || r.commissions.length);
  const time = ['day', 'week', 'month'].includes(q.groupBy);
  out.sort((a, b) => (time ? 0 : b.revenue - a.revenue) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { rows: out, totals: metrics(facts, !q.campaign) };
}
