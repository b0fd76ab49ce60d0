import { describe, expect, it } from 'vitest';
import { isDay, isoWeekOf, resolveRange } from '../../src/reports/date-range';
import { csvField, reportCsv, textCell } from '../../src/reports/report-csv';
import { conversionRate } from '../../src/reports/report-rows';

describe('dates', () => {
  it.each([
    ['2026-03-01', '2026-02-23'], // Sunday
    ['2026-03-02', '2026-03-02'], // Monday
    ['2021-01-03', '2020-12-28'], // ISO week 53 of 2020
    ['2024-02-29', '2024-02-26'],
  ])('isoWeekOf(%s) = %s', (day, monday) => expect(isoWeekOf(day)).toBe(monday));

  it.each(['2026-02-29', '2026-3-01', '2026-03-01T00:00:00Z', ' 2026-03-01', '+02026-03-01'])('%s is not a day', (s) => expect(isDay(s)).toBe(false));

  it('defaults to the 30 days ending today; one end defaults against the other', () => {
    const now = new Date('2026-03-03T23:59:59.999Z');
    expect(resolveRange(undefined, undefined, now)).toEqual({
      from: '2026-02-02', to: '2026-03-03', fromMs: Date.parse('2026-02-02T00:00:00Z'), toMs: Date.parse('2026-03-04T00:00:00Z'),
    });
    expect(resolveRange(undefined, '2026-01-30', now)).toMatchObject({ from: '2026-01-01', to: '2026-01-30' });
    expect(resolveRange('2026-03-01', undefined, now)).toMatchObject({ from: '2026-03-01', to: '2026-03-03' });
    expect(() => resolveRange('2026-03-04', undefined, now)).toThrow(/to: must not be before from/);
  });
});

describe('csv', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
  ])('csvField(%j) = %j', (s, out) => expect(csvField(s)).toBe(out));

  it.each([['=1+1'], ['+1'], ['-1'], ['@SUM(A1)'], ['\tx'], ['\rx']])('textCell defuses %j', (s) => expect(textCell(s)).toBe(`'${s}`));

  it('numbers are not defused; an injected key is', () => {
    const m = { clicks: 0, uniqueClicks: 0, leads: 0, clickLeads: 0, sales: 0, revenue: -1205, commissions: [{ unit: 'JPY', amount: -7 }], conversionRate: 0 };
    const csv = reportCsv({ from: 'a', to: 'b', groupBy: 'referrer', currency: 'EUR', rows: [{ key: '=cmd|x', ...m }], totals: m });
    expect(csv.split('\r\n').slice(0, 2)).toEqual([
      'key,label,clicks,unique_clicks,leads,click_leads,sales,revenue,currency,conversion_rate,commission_EUR,commission_JPY',
      "'=cmd|x,,0,0,0,0,0,-12.05,EUR,0,0.00,-7",
    ]);
  });

  it('conversionRate rounds to 4 decimals, is 0 without unique clicks, at most 1, null when click leads are unknown', () => {
    expect([conversionRate(1, 3), conversionRate(2, 3), conversionRate(5, 0), conversionRate(3, 2), conversionRate(null, 4)]).toEqual([0.3333, 0.6667, 0, 1, null]);
  });
});
