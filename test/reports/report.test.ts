import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app';
import { B_NAME, runScenario } from './scenario';
import { appFor, reportOf } from './support';

type Unit = { EUR?: number; points?: number };
/** An expected report row (or totals when key is undefined); commissions in EUR cents and points. */
function row(key: string | undefined, [clicks, uniqueClicks, leads, sales, revenue]: number[], c: Unit, conversionRate: number, label?: string | null) {
  const commissions = [
    ...(c.EUR !== undefined ? [{ unit: 'EUR', amount: c.EUR }] : []),
    ...(c.points !== undefined ? [{ unit: 'points', amount: c.points }] : []),
  ];
  return {
    ...(key !== undefined ? { key } : {}),
    ...(label !== undefined ? { label } : {}),
    clicks: clicks!, uniqueClicks: uniqueClicks!, leads: leads!, sales: sales!, revenue: revenue!, commissions, conversionRate,
  };
}
const TOTALS = row(undefined, [6, 5, 4, 3, 14500], { EUR: 1850, points: 20 }, 0.6);
const RANGE = { from: '2026-03-01', to: '2026-03-03' };

let s: Awaited<ReturnType<typeof runScenario>>;
let t: TestApp;
beforeAll(async () => {
  s = await runScenario();
  t = s.t;
});
const report = (qs: Record<string, string>) => reportOf(t, s.program.id, { ...RANGE, ...qs });

describe('report over the scripted three days', () => {
  it('groupBy=day: bots, repeats and the walk-in sale are not counted; the refund lands on its own day', async () => {
    expect(await report({ groupBy: 'day' })).toEqual({
      ...RANGE,
      groupBy: 'day',
      currency: 'EUR',
      rows: [
        row('2026-03-01', [4, 3, 3, 0, 0], { EUR: 300, points: 15 }, 0),
        row('2026-03-02', [1, 1, 1, 2, 15000], { EUR: 1600, points: 5 }, 2),
        row('2026-03-03', [1, 1, 0, 1, -500], { EUR: -50 }, 1),
      ],
      totals: TOTALS,
    });
  });

  it('groupBy=week (ISO, keyed by Monday) and month', async () => {
    const week = await report({ groupBy: 'week' });
    expect(week.rows).toEqual([
      row('2026-02-23', [4, 3, 3, 0, 0], { EUR: 300, points: 15 }, 0),
      row('2026-03-02', [2, 2, 1, 3, 14500], { EUR: 1550, points: 5 }, 1.5),
    ]);
    expect(week.totals).toEqual(TOTALS);
    expect((await report({ groupBy: 'month' })).rows).toEqual([{ key: '2026-03', ...TOTALS }]);
  });

  it('groupBy=partner: labelled with names, by revenue', async () => {
    const r = await report({ groupBy: 'partner' });
    expect(r.rows).toEqual([
      row(s.b.id, [2, 2, 2, 2, 7500], { EUR: 950, points: 10 }, 1, B_NAME),
      row(s.a.id, [4, 3, 2, 1, 7000], { EUR: 900, points: 10 }, 0.3333, 'Jane Doe'),
    ]);
    expect(r.totals).toEqual(TOTALS);
  });

  it('groupBy=link: labelled with codes; a conversion counts under its own link', async () => {
    const r = await report({ groupBy: 'link' });
    expect(r.rows).toEqual([
      row(s.aSpring.id, [4, 3, 2, 1, 7000], { EUR: 900, points: 10 }, 0.3333, 'a-spring'),
      row(s.bFall.id, [1, 1, 1, 1, 5000], { EUR: 600, points: 5 }, 1, 'b-fall'),
      row(s.b.defaultLink.id, [1, 1, 1, 1, 2500], { EUR: 350, points: 5 }, 1, s.b.code),
    ]);
    expect(r.totals).toEqual(TOTALS);
  });

  it('groupBy=campaign: links without one share the empty key', async () => {
    const r = await report({ groupBy: 'campaign' });
    expect(r.rows).toEqual([
      row('spring', [4, 3, 2, 1, 7000], { EUR: 900, points: 10 }, 0.3333),
      row('fall', [1, 1, 1, 1, 5000], { EUR: 600, points: 5 }, 1),
      row('', [1, 1, 1, 1, 2500], { EUR: 350, points: 5 }, 1),
    ]);
    expect(r.totals).toEqual(TOTALS);
  });

  it('groupBy=country: conversions take their attributing click’s country ("" for a lead by code)', async () => {
    const r = await report({ groupBy: 'country' });
    expect(r.rows).toEqual([
      row('DE', [4, 3, 2, 2, 9500], { EUR: 1150, points: 10 }, 0.6667),
      row('FR', [1, 1, 1, 1, 5000], { EUR: 600, points: 5 }, 1),
      row('', [0, 0, 1, 0, 0], { EUR: 100, points: 5 }, 0),
      row('US', [1, 1, 0, 0, 0], {}, 0),
    ]);
    expect(r.totals).toEqual(TOTALS);
  });

  it('groupBy=device', async () => {
    const r = await report({ groupBy: 'device' });
    expect(r.rows).toEqual([
      row('desktop', [5, 4, 3, 3, 14500], { EUR: 1750, points: 15 }, 0.75),
      row('', [0, 0, 1, 0, 0], { EUR: 100, points: 5 }, 0),
      row('mobile', [1, 1, 0, 0, 0], {}, 0),
    ]);
    expect(r.totals).toEqual(TOTALS);
  });

  it('browser, os and referrer add up to the same totals', async () => {
    for (const groupBy of ['browser', 'os', 'referrer']) expect((await report({ groupBy })).totals).toEqual(TOTALS);
    expect((await report({ groupBy: 'referrer' })).rows.map((r: any) => [r.key, r.clicks, r.revenue])).toEqual([
      ['news.example.com', 2, 7000],
      ['t.co', 1, 5000],
      ['', 3, 2500],
    ]);
  });

  it('partnerId narrows to one partner', async () => {
    const r = await report({ groupBy: 'day', partnerId: s.b.id });
    expect(r.rows).toEqual([
      row('2026-03-01', [1, 1, 1, 0, 0], { EUR: 100, points: 5 }, 0),
      row('2026-03-02', [1, 1, 1, 1, 5000], { EUR: 600, points: 5 }, 1),
      row('2026-03-03', [0, 0, 0, 1, 2500], { EUR: 250 }, 0),
    ]);
    expect(r.totals).toEqual(row(undefined, [2, 2, 2, 2, 7500], { EUR: 950, points: 10 }, 1));
  });

  it('campaign narrows time, partner and campaign groupings to that campaign', async () => {
    const spring = row(undefined, [4, 3, 2, 1, 7000], { EUR: 900, points: 10 }, 0.3333);
    const byDay = await report({ groupBy: 'day', campaign: 'spring' });
    expect(byDay.rows).toEqual([
      row('2026-03-01', [3, 2, 2, 0, 0], { EUR: 200, points: 10 }, 0),
      row('2026-03-02', [0, 0, 0, 1, 10000], { EUR: 1000 }, 0),
      row('2026-03-03', [1, 1, 0, 0, -3000], { EUR: -300 }, 0),
    ]);
    expect(byDay.totals).toEqual(spring);
    expect((await report({ groupBy: 'partner', campaign: 'spring' })).rows).toEqual([{ key: s.a.id, label: 'Jane Doe', ...spring }]);
    expect((await report({ groupBy: 'campaign', campaign: 'spring' })).rows).toEqual([{ key: 'spring', ...spring }]);
    expect((await report({ groupBy: 'day', campaign: 'winter' })).rows).toEqual([]);
  });

  it('a range with no activity has no rows and zero totals', async () => {
    const r = await reportOf(t, s.program.id, { from: '2026-01-01', to: '2026-02-28', groupBy: 'partner' });
    expect(r).toEqual({ from: '2026-01-01', to: '2026-02-28', groupBy: 'partner', currency: 'EUR', rows: [], totals: row(undefined, [0, 0, 0, 0, 0], {}, 0) });
  });

  it('defaults: groupBy=day over the 30 days ending today (app clock)', async () => {
    const r = await reportOf(t, s.program.id, {});
    expect([r.from, r.to, r.groupBy, r.rows.length, r.totals]).toEqual(['2026-02-02', '2026-03-03', 'day', 3, TOTALS]);
  });
});

describe('report as CSV', () => {
  const csv = async (qs: Record<string, string>) => {
    const res = await appFor(t).request(`/v1/programs/${s.program.id}/report?${new URLSearchParams({ ...RANGE, format: 'csv', ...qs })}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="report-${s.program.id}-2026-03-01-2026-03-03.csv"`);
    return res.text();
  };
  const HEADER = 'key,label,clicks,unique_clicks,leads,sales,revenue,currency,commissions,commission_unit,conversion_rate\r\n';

  it('groupBy=day: one line per day and unit, money in major units, CRLF', async () => {
    expect(await csv({ groupBy: 'day' })).toBe(
      HEADER +
        '2026-03-01,,4,3,3,0,0.00,EUR,3.00,EUR,0\r\n' +
        '2026-03-01,,4,3,3,0,0.00,EUR,15,points,0\r\n' +
        '2026-03-02,,1,1,1,2,150.00,EUR,16.00,EUR,2\r\n' +
        '2026-03-02,,1,1,1,2,150.00,EUR,5,points,2\r\n' +
        '2026-03-03,,1,1,0,1,-5.00,EUR,-0.50,EUR,1\r\n',
    );
  });

  it('groupBy=partner: a label starting with = is defused and quoted (comma, quotes)', async () => {
    const b = `${s.b.id},"'=HYPERLINK(""x""), Bob",2,2,2,2,75.00,EUR`;
    const a = `${s.a.id},Jane Doe,4,3,2,1,70.00,EUR`;
    expect(await csv({ groupBy: 'partner' })).toBe(
      HEADER + `${b},9.50,EUR,1\r\n${b},10,points,1\r\n${a},9.00,EUR,0.3333\r\n${a},10,points,0.3333\r\n`,
    );
  });

  it('a key without commissions gets empty commission cells', async () => {
    expect((await csv({ groupBy: 'country' })).split('\r\n')).toContain('US,,1,1,0,0,0.00,EUR,,,0');
  });
});
