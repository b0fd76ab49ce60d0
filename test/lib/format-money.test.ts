import { describe, expect, it } from 'vitest';
import { formatMoney, unitName } from '../../src/lib/format-money';

describe('formatMoney — integer minor units as money, locale en', () => {
  const cases: [number, string, string][] = [
    [12000, 'EUR', '€120.00'],
    [5, 'EUR', '€0.05'],
    [-300, 'EUR', '-€3.00'],
    [0, 'EUR', '€0.00'],
    [123456789, 'USD', '$1,234,567.89'],
    [1_000_000_000_000, 'USD', '$10,000,000,000.00'],
    [999_999_999_999, 'EUR', '€9,999,999,999.99'],
    [12000, 'JPY', '¥12,000'],
    [-5, 'JPY', '-¥5'],
    [12345, 'KWD', 'KWD 12.345'],
    [1, 'BHD', 'BHD 0.001'],
    [-1_234_567_891, 'BHD', '-BHD 1,234,567.891'],
    [500, 'CHF', 'CHF 5.00'],
    [16000, 'MB', '16,000 MB'],
    [1, 'points', '1 point'],
    [-1, 'points', '-1 point'],
    [0, 'points', '0 points'],
    [2, 'points', '2 points'],
    [1000, 'points', '1,000 points'],
    [1, 'credits', '1 credit'],
    [1, 'MB', '1 MB'],
    [-250, 'MB', '-250 MB'],
  ];
  it.each(cases)('%i %s → %s', (amount, unit, expected) => {
    expect(formatMoney(amount, unit)).toBe(expected);
  });

  it('uses plain spaces (no ICU non-breaking space), the same in HTML, JSON and CSV', () => {
    expect(formatMoney(1500, 'KWD')).not.toMatch(/[\u00a0\u202f]/);
  });

  // A unit's name after ±1 (any other amount keeps the name as the program wrote it).
  const names: [string, string][] = [
    ['points', 'point'],
    ['credits', 'credit'],
    ['Credits', 'Credit'],
    ['coins', 'coin'],
    ['miles', 'mile'],
    ['entries', 'entry'],
    ['boxes', 'box'],
    ['passes', 'pass'],
    ['matches', 'match'],
    ['bonus-points', 'bonus-point'],
    ['reward_credits', 'reward_credit'],
    ['days', 'day'],
    ['pts', 'pt'],
    // symbols, abbreviations and words that are no English plural in -s stay as written
    ['MB', 'MB'],
    ['GB', 'GB'],
    ['kWh', 'kWh'],
    ['ms', 'ms'],
    ['MBs', 'MBs'],
    ['POINTS', 'POINTS'],
    ['bonus', 'bonus'],
    ['kudos', 'kudos'],
    ['pass', 'pass'],
    ['gas', 'gas'],
    ['karma', 'karma'],
    ['seats2', 'seats2'],
  ];
  it.each(names)('1 %s → 1 %s', (unit, one) => {
    expect(unitName(1, unit)).toBe(one);
    expect(unitName(-1, unit)).toBe(one);
    for (const n of [0, 2, -2, 10, 21]) expect(unitName(n, unit)).toBe(unit);
  });
});
