import { z } from 'zod';
import { listQuery } from '../lib/schemas';

// GET /v1/programs/:programId/customers. Tracking trims a customer's externalId before storing it,
// so the filter does too; an empty filter is a mistake (422), not a request for every customer.
export const customerListQuery = listQuery.extend({
  partnerId: z.string().min(1).max(64).optional(),
  externalId: z.string().trim().min(1).max(200).optional(),
  email: z.string().trim().min(1).max(320).optional(),
});
