import { z } from 'zod';
import { listQuery } from '../lib/schemas';

/** A payout statement (admin and partner API): entries page like any list; `format=csv` is the whole statement. */
export const payoutStatementQuery = listQuery.extend({
  format: z.enum(['json', 'csv']).default('json'),
});
