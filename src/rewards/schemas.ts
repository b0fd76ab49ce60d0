import { z } from 'zod';
import { MAX_AMOUNT } from '../lib/money';
import { isoDate, minorAmount, unitSchema } from '../lib/schemas';

/** Percent rewards are in basis points (10000 = 100%); more than 1000% of a sale is refused. */
export const MAX_PERCENT_BPS = 100_000;
export const PERCENT_MESSAGE = `percent is in basis points (10000 = 100%), at most ${MAX_PERCENT_BPS}`;
/** What stops paying a rule: setting it inactive, which a 0 amount or cap would only imitate. */
export const PAUSE_HINT = 'to stop paying, set the rule inactive ({"active":false})';

const period = z.enum(['lifetime', 'year', 'month']);
// A currency code in any case ("eur" is EUR) or a name such as points: lib/schemas.ts.
const unit = unitSchema;

/** What each op can compare with (match-conditions.ts): any other value never matches (neq: always). */
function valueFitsOp(op: string, value: unknown): string | null {
  if (op === 'gte' || op === 'lte') return typeof value === 'number' ? null : 'gte and lte compare numbers; send a number (5000, not "5000")';
  if (op === 'in' && Array.isArray(value)) return value.length > 0 ? null : 'in takes a list of at least one value (an empty list never matches)';
  if (op === 'in') return 'in takes a list of values (["pro", "plus"])';
  return Array.isArray(value) ? 'eq and neq take one value; use in for a list' : null;
}

const condition = z
  .strictObject({
    // An empty key (metadata..plan, metadata.plan.) reads nothing: the condition could never match.
    field: z
      .string()
      .max('metadata.'.length + 100)
      .regex(/^(amount|quantity|metadata(\.[A-Za-z0-9_-]+)+)$/, 'must be amount, quantity or metadata.<key> (keys separated by single dots)'),
    op: z.enum(['eq', 'neq', 'in', 'gte', 'lte']),
    value: z.union([z.string().max(200), z.number(), z.boolean(), z.array(z.union([z.string().max(200), z.number()])).max(100)]),
  })
  .superRefine((c, ctx) => {
    const problem = valueFitsOp(c.op, c.value);
    if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
  });

const tier = z.strictObject({ upTo: z.number().int().min(1).max(1_000_000_000).nullable().optional(), amount: minorAmount });

const recipient = z.enum(['partner', 'customer']);

// Fields without defaults: the PATCH schema is these, all optional. zod applies `.default()`
// even under `.optional()`, which made every PATCH without `recipient` set it to "partner".
const ruleFields = {
  event: z.string().regex(/^[a-z][a-z0-9_.:-]{0,63}$/, 'must be lead, sale or a custom event name'),
  recipient,
  type: z.enum(['fixed', 'percent', 'per_unit']),
  amount: minorAmount,
  unit: unit.optional(),
  tiers: z.array(tier).min(1).max(20).nullable().optional(),
  tierPeriod: period,
  conditions: z.array(condition).max(20).nullable().optional(),
  caps: z
    .strictObject({
      // A cap of 0 would skip every conversion with cap_reached: a rule that never pays.
      perPartner: z.strictObject({ amount: z.number().int('must be an integer in minor units').min(1, `must be at least 1; ${PAUSE_HINT}`).max(MAX_AMOUNT), period }).nullable().optional(),
      perCustomer: z.strictObject({ count: z.number().int().min(1).max(1_000_000) }).nullable().optional(),
    })
    .nullable()
    .optional(),
  // 0 days would pay only an event at the very millisecond of the attribution; no window is null.
  windowDays: z.number().int().min(1, 'must be at least 1 day; send null (or leave it out) for no window').max(3650).nullable().optional(),
  holdDays: z.number().int().min(0).max(3650).nullable().optional(),
  startsAt: isoDate.nullable().optional(),
  endsAt: isoDate.nullable().optional(),
  active: z.boolean(),
};

function tiersAscending(tiers: { upTo?: number | null }[] | null | undefined): boolean {
  if (!tiers) return true;
  let last = 0;
  for (const [i, t] of tiers.entries()) {
    if (t.upTo == null) return i === tiers.length - 1;
    if (t.upTo <= last) return false;
    last = t.upTo;
  }
  return true;
}

// `amount` may be left out when `tiers` replace it (stored as 0); check-rule.ts refuses both at once.
export const createRewardSchema = z
  .strictObject({
    ...ruleFields,
    amount: minorAmount.optional(),
    recipient: recipient.default('partner'),
    tierPeriod: period.default('lifetime'),
    active: ruleFields.active.default(true),
  })
  .refine((r) => r.amount !== undefined || (r.tiers ?? []).length > 0, { message: 'required (minor units, or basis points for percent), unless tiers are sent', path: ['amount'] })
  .refine((r) => tiersAscending(r.tiers), { message: 'tiers need increasing upTo; only the last may omit it', path: ['tiers'] })
  .refine((r) => r.type !== 'percent' || (r.amount ?? 0) <= MAX_PERCENT_BPS, { message: PERCENT_MESSAGE, path: ['amount'] });
// Dates (range, endsAt after startsAt) and a rule of 0 are checked on the stored result: check-rule.ts.

export const updateRewardSchema = z
  .strictObject(ruleFields)
  .partial()
  .refine((r) => tiersAscending(r.tiers), { message: 'tiers need increasing upTo; only the last may omit it', path: ['tiers'] });

export type CreateRewardInput = z.infer<typeof createRewardSchema>;
export type UpdateRewardInput = z.infer<typeof updateRewardSchema>;
