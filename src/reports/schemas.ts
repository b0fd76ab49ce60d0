import { z } from 'zod';
import { isDay } from './date-range';

export const TIME_GROUPS = ['day', 'week', 'month'] as const;
export const DIM_GROUPS = ['link', 'campaign', 'country', 'device', 'browser', 'os', 'referrer'] as const;
export const GROUP_BYS = [...TIME_GROUPS, 'partner', ...DIM_GROUPS] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

const day = z.string().refine(isDay, { message: 'must be a date YYYY-MM-DD from 1970-01-01 to 9999-12-31' });
const range = { from: day.optional(), to: day.optional() };

export const reportQuery = z.object({
  ...range,
  groupBy: z.enum(GROUP_BYS).default('day'),
  partnerId: z.string().min(1).max(64).optional(),
  campaign: z.string().min(1).max(100).optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

export const LEADERBOARD_METRICS = ['leads', 'sales', 'revenue', 'commissions'] as const;
export type LeaderboardMetric = (typeof LEADERBOARD_METRICS)[number];

export const leaderboardQuery = z.object({
  ...range,
  metric: z.enum(LEADERBOARD_METRICS).default('sales'),
  limit: z.coerce.number().int().min(1).max(100).default(10),
});

export const kpisQuery = z.object(range);
