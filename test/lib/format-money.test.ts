import { describe, expect, it } from 'vitest';
import { formatMoney } from '../../src/lib/format-money';

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
    [1, 'points', '1 points'],
    [-250, 'MB', '-250 MB'],
  ];
  it.each(cases)('%i %s → %s', (amount, unit, expected) => {
    expect(formatMoney(amount, unit)).toBe(expected);
  });

  it('uses plain spaces (no ICU non-breaking space), the same in HTML, JSON and CSV', () => {
    expect(formatMoney(1500, 'KWD')).not.toMatch(/[\u00a0\u202f]/);
  });
});
