import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app';
import { B_NAME, runScenario } from './scenario';
import { appFor, reportOf } from './support';

type Unit = { EUR?: number; points?: number };
/** An expected report row (or totals when key is undefined); commissions in EUR cents and points; clickLeads null where unknown. */
function row(key: string | undefined, [clicks, uniqueClicks, leads, clickLeads, sales, revenue]: (number | null)[], c: Unit, conversionRate: number | null, label?: string | null) {
  const commissions = [
    ...(c.EUR !== undefined ? [{ unit: 'EUR', amount: c.EUR }] : []),
    ...(c.points !== undefined ? [{ unit: 'points', amount: c.points }] : []),
  ];
  return {
    ...(key !== undefined ? { key } : {}),
    ...(label !== undefined ? { label } : {}),
    clicks: clicks!, uniqueClicks: uniqueClicks!, leads: leads!, clickLeads: clickLeads!, sales: sales!, revenue: revenue!, commissions, conversionRate,
  };
}
const TOTALS = row(undefined, [6, 5, 4, 3, 3, 14500], { EUR: 1850, points: 20 }, 0.6);
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
        row('2026-03-01', [4, 3, 3, 2, 0, 0], { EUR: 300, points: 15 }, 0.6667),
        row('2026-03-02', [1, 1, 1, 1, 2, 15000], { EUR: 1600, points: 5 }, 1),
        row('2026-03-03', [1, 1, 0, 0, 1, -500], { EUR: -50 }, 0),
      ],
      totals: TOTALS,
    });
  });

  it('groupBy=week (ISO, keyed by Monday) and month', async () => {
    const week = await report({ groupBy: 'week' });
    expect(week.rows).toEqual([
      row('2026-02-23', [4, 3, 3, 2, 0, 0], { EUR: 300, points: 15 }, 0.6667),
      row('2026-03-02', [2, 2, 1, 1, 3, 14500], { EUR: 1550, points: 5 }, 0.5),
    ]);
    expect(week.totals).toEqual(TOTALS);
    expect((await report({ groupBy: 'month' })).rows).toEqual([{ key: '2026-03', ...TOTALS }]);
  });

  it('groupBy=partner: labelled with names, by revenue', async () => {
    const r = await report({ groupBy: 'partner' });
    expect(r.rows).toEqual([
      row(s.b.id, [2, 2, 2, 2, 2, 7500], { EUR: 950, points: 10 }, 1, B_NAME),
      row(s.a.id, [4, 3, 2, 1, 1, 7000], { EUR: 900, points: 10 }, 0.3333, 'Jane Doe'),
    ]);
    expect(r.totals).toEqual(TOTALS);
  });

  it('groupBy=link: labelled with codes; a conversion counts under its own link', async () => {
    const r = await report({ groupBy: 'link' });
    expect(r.rows).toEqual([
      row(s.aSpring.id, [4, 3, 2, null, 1, 7000], { EUR: 900, points: 10 }, null, 'a-spring'),
      row(s.bFall.id, [1, 1, 1, null, 1, 5000], { EUR: 600, points: 5 }, null, 'b-fall'),
      row(s.b.defaultLink.id, [1, 1, 1, null, 1, 2500], { EUR: 350, points: 5 }, null, s.b.code),
    ]);
    expect(r.totals).toEqual(TOTALS);
  });

  it('groupBy=campaign: links without one share the empty key', async () => {
    const r = await report({ groupBy: 'campaign' });
    expect(r.rows).toEqual([
      row('spring', [4, 3, 2, null, 1, 7000], { EUR: 900, points: 10 }, null),
      row('fall', [1, 1, 1, null, 1, 5000], { EUR: 600, points: 5 }, null),
      row('', [1, 1, 1, null, 1, 2500], { EUR: 350, points: 5 }, null),
    ]);
    expect(r.totals).toEqual(TOTALS);
  });

  it('groupBy=country: conversions take their attributing click’s country ("" for a lead by code)', async () => {
    const r = await report({ groupBy: 'country' });
    expect(r.rows).toEqual([
      row('DE', [4, 3, 2, 2, 2, 9500], { EUR: 1150, points: 10 }, 0.6667),
      row('FR', [1, 1, 1, 1, 1, 5000], { EUR: 600, points: 5 }, 1),
      row('', [0, 0, 1, 0, 0, 0], { EUR: 100, points: 5 }, 0),
      row('US', [1, 1, 0, 0, 0, 0], {}, 0),
    ]);
    expect(r.totals).toEqual(TOTALS);
  });

  it('groupBy=device', async () => {
    const r = await report({ groupBy: 'device' });
    expect(r.rows).toEqual([
      row('desktop', [5, 4, 3, 3, 3, 14500], { EUR: 1750, points: 15 }, 0.75),
      row('', [0, 0, 1, 0, 0, 0], { EUR: 100, points: 5 }, 0),
      row('mobile', [1, 1, 0, 0, 0, 0], {}, 0),
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
      row('2026-03-01', [1, 1, 1, 1, 0, 0], { EUR: 100, points: 5 }, 1),
      row('2026-03-02', [1, 1, 1, 1, 1, 5000], { EUR: 600, points: 5 }, 1),
      row('2026-03-03', [0, 0, 0, 0, 1, 2500], { EUR: 250 }, 0),
    ]);
    expect(r.totals).toEqual(row(undefined, [2, 2, 2, 2, 2, 7500], { EUR: 950, points: 10 }, 1));
  });

  it('campaign narrows time, partner and campaign groupings to that campaign', async () => {
    const spring = row(undefined, [4, 3, 2, null, 1, 7000], { EUR: 900, points: 10 }, null);
    const byDay = await report({ groupBy: 'day', campaign: 'spring' });
    expect(byDay.rows).toEqual([
      row('2026-03-01', [3, 2, 2, null, 0, 0], { EUR: 200, points: 10 }, null),
      row('2026-03-02', [0, 0, 0, null, 1, 10000], { EUR: 1000 }, null),
      row('2026-03-03', [1, 1, 0, null, 0, -3000], { EUR: -300 }, null),
    ]);
    expect(byDay.totals).toEqual(spring);
    expect((await report({ groupBy: 'partner', campaign: 'spring' })).rows).toEqual([{ key: s.a.id, label: 'Jane Doe', ...spring }]);
    expect((await report({ groupBy: 'campaign', campaign: 'spring' })).rows).toEqual([{ key: 'spring', ...spring }]);
    expect((await report({ groupBy: 'day', campaign: 'winter' })).rows).toEqual([]);
  });

  it('a range with no activity has no rows and zero totals', async () => {
    const r = await reportOf(t, s.program.id, { from: '2026-01-01', to: '2026-02-28', groupBy: 'partner' });
    expect(r).toEqual({ from: '2026-01-01', to: '2026-02-28', groupBy: 'partner', currency: 'EUR', rows: [], totals: row(undefined, [0, 0, 0, 0, 0, 0], {}, 0) });
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
  const HEADER = 'key,label,clicks,unique_clicks,leads,click_leads,sales,revenue,currency,conversion_rate,commission_EUR,commission_points\r\n';

  it('groupBy=day: one line per day, a commission column per unit (program currency first), money in major units, CRLF', async () => {
    expect(await csv({ groupBy: 'day' })).toBe(
      HEADER +
        '2026-03-01,,4,3,3,2,0,0.00,EUR,0.6667,3.00,15\r\n' +
        '2026-03-02,,1,1,1,1,2,150.00,EUR,1,16.00,5\r\n' +
        '2026-03-03,,1,1,0,0,1,-5.00,EUR,0,-0.50,0\r\n',
    );
  });

  it('groupBy=partner: a partner earning EUR and points is one line, so every column sums to the totals; a label starting with = is defused and quoted', async () => {
    const text = await csv({ groupBy: 'partner' });
    expect(text).toBe(
      HEADER +
        `${s.b.id},"'=HYPERLINK(""x""), Bob",2,2,2,2,2,75.00,EUR,1,9.50,10\r\n` +
        `${s.a.id},Jane Doe,4,3,2,1,1,70.00,EUR,0.3333,9.00,10\r\n`,
    );
    // Summing a column gives the report's totals (6 clicks, 4 leads, 3 sales, 145.00, 18.50 EUR, 20 points).
    const lines = text.trimEnd().split('\r\n').slice(1).map((l) => l.replace(/^[^,]*,("[^"]*(""[^"]*)*"|[^,]*),/, '').split(','));
    const sum = (i: number) => lines.reduce((n, cells) => n + Number(cells[i]), 0);
    expect([sum(0), sum(2), sum(4), sum(5), sum(8), sum(9)]).toEqual([6, 4, 3, 145, 18.5, 20]);
  });

  it('a key without commissions gets 0 in each commission column', async () => {
    expect((await csv({ groupBy: 'country' })).split('\r\n')).toContain('US,,1,1,0,0,0,0.00,EUR,0,0.00,0');
  });

  it('groupBy=link: a conversion rate the rollups cannot tell is an empty cell, not a number', async () => {
    expect((await csv({ groupBy: 'link' })).split('\r\n')).toContain(`${s.bFall.id},b-fall,1,1,1,,1,50.00,EUR,,6.00,5`);
  });
});
