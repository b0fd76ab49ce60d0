import { EARLIEST_OCCURRED_AT } from '../conversions/check-occurred-at';
import type { RewardRow } from '../db/queries/conversions';
import type { ProgramRow } from '../db/queries/programs';
import { ValidationError } from '../lib/errors';
import { MAX_PERCENT_BPS, PAUSE_HINT, PERCENT_MESSAGE } from './schemas';

/** A rule's startsAt/endsAt: no earlier than tracking accepts an occurredAt (2000-01-01)… */
export const EARLIEST_RULE_DATE = EARLIEST_OCCURRED_AT;
/** …and no later than 2100-01-01 (a year 9999 is a typo or a "never" that should be null). */
export const LATEST_RULE_DATE = new Date('2100-01-01T00:00:00.000Z');

type Checked = Pick<RewardRow, 'event' | 'type' | 'unit' | 'amount' | 'tiers' | 'startsAt' | 'endsAt'>;

/**
 * Checks of the whole rule: `row` is the rule as it will be stored (after a PATCH: the stored rule
 * with the patch applied), `sent` the fields of the request. Values only a request can bring
 * (a date out of range, a 0 amount) are checked when sent, so a rule stored before a check existed
 * can still be patched, e.g. set inactive; what depends on two fields (endsAt after startsAt,
 * amount without tiers, no amount beside tiers) is checked on the result whenever one of them is sent.
 * A percentage is of a sale in the program currency, so it pays in that currency, and is at most
 * MAX_PERCENT_BPS, tiers included (a fixed reward patched to percent keeps its amount).
 */
export function checkRule(row: Checked, program: ProgramRow, sent: Partial<Checked>) {
  if (row.type === 'percent' && row.unit !== program.currency) {
    throw new ValidationError('unit', `a percent reward pays in the program currency ${program.currency}`, 'unit_mismatch');
  }
  // A lead carries no amount (track-lead.ts): a percentage of it is 0 on every lead.
  if (row.type === 'percent' && row.event === 'lead' && (sent.type !== undefined || sent.event !== undefined)) {
    throw new ValidationError(sent.type !== undefined ? 'type' : 'event', 'a lead has no amount, so a percent rule would never pay; use fixed for leads, percent for sales');
  }
  // A tiered rule pays its tiers' amounts; an amount beside them would read as a rate it never pays.
  if (sent.amount !== undefined && sent.amount !== 0 && (row.tiers ?? []).length > 0) {
    throw new ValidationError('amount', `a rule with tiers pays the tier amounts; leave amount out or send 0 (${sent.amount} was sent), or send "tiers":null to pay amount`);
  }
  if (row.type === 'percent') {
    if (row.amount > MAX_PERCENT_BPS) throw new ValidationError('amount', PERCENT_MESSAGE);
    const i = (row.tiers ?? []).findIndex((t) => t.amount > MAX_PERCENT_BPS);
    if (i >= 0) throw new ValidationError(`tiers.${i}.amount`, PERCENT_MESSAGE);
  }
  for (const field of ['startsAt', 'endsAt'] as const) {
    const date = sent[field];
    if (date && (date.getTime() < EARLIEST_RULE_DATE.getTime() || date.getTime() > LATEST_RULE_DATE.getTime())) {
      throw new ValidationError(field, `must be from ${EARLIEST_RULE_DATE.toISOString()} to ${LATEST_RULE_DATE.toISOString()}`, 'date_out_of_range');
    }
  }
  if (row.startsAt && row.endsAt && row.startsAt >= row.endsAt) {
    // Name the field the request changed: a PATCH of startsAt alone is refused on startsAt.
    if (sent.startsAt && sent.endsAt === undefined) throw new ValidationError('startsAt', `must be before endsAt ${row.endsAt.toISOString()}`);
    throw new ValidationError('endsAt', `must be after startsAt ${row.startsAt.toISOString()}`);
  }
  if (sent.amount !== undefined || sent.tiers !== undefined) checkPays(row);
}

/**
 * A rule of 0 never pays: without tiers its amount must be at least 1; with tiers the amount is
 * not used (it may be 0) and a tier of 0 is a threshold ("nothing for the first 3, then 1000"),
 * but one tier at least must pay.
 */
function checkPays(row: Pick<RewardRow, 'amount' | 'tiers'>) {
  if (row.tiers && row.tiers.length > 0) {
    if (row.tiers.every((t) => t.amount === 0)) throw new ValidationError('tiers', `one tier at least must pay more than 0; ${PAUSE_HINT}`);
    return;
  }
  if (row.amount === 0) throw new ValidationError('amount', `must be at least 1 (a rule of 0 never pays); ${PAUSE_HINT}`);
}
