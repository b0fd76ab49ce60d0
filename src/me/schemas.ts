import { z } from 'zod';
import { listQuery } from '../lib/schemas';

export const myCommissionsQuery = listQuery.extend({
  status: z.enum(['pending', 'approved', 'paid', 'reversed']).optional(),
});

/** A payout statement: entries page like any list; `format=csv` is the whole statement. */
export const payoutStatementQuery = listQuery.extend({
  format: z.enum(['json', 'csv']).default('json'),
});
