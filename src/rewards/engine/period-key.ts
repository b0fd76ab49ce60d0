import type { Period } from './types';

/**
 * The counter bucket a moment falls into, by UTC calendar:
 * 'lifetime' | 'y2026' | 'm2026-11'.
 */
export function periodKey(period: Period, at: Date): string {
  switch (period) {
    case 'lifetime':
      return 'lifetime';
    case 'year':
      return `y${at.getUTCFullYear()}`;
    case 'month':
      return `m${at.getUTCFullYear()}-${String(at.getUTCMonth() + 1).padStart(2, '0')}`;
    default: {
      const unknownPeriod: never = period;
      throw new Error(`unknown period: ${String(unknownPeriod)}`);
    }
  }
}

/** The adjective used in explanations: lifetime / yearly / monthly. */
export function periodWord(period: Period): string {
  switch (period) {
    case 'lifetime':
      return 'lifetime';
    case 'year':
      return 'yearly';
    case 'month':
      return 'monthly';
    default: {
      const unknownPeriod: never = period;
      throw new Error(`unknown period: ${String(unknownPeriod)}`);
    }
  }
}
