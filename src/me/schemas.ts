import { z } from 'zod';
import { listQuery } from '../lib/schemas';

export const myCommissionsQuery = listQuery.extend({
  status: z.enum(['pending', 'approved', 'paid', 'reversed']).optional(),
});
