import type { Db } from '../db/client';
import { isUniqueViolation } from '../db/client';
import { insertLinkIfClickIdParam } from '../db/queries/links';
import type { LinkRow, PartnerRow } from '../db/queries/partners';
import { findProgram, type ProgramRow } from '../db/queries/programs';
import { generateCode } from '../lib/codes';
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors';
import { newId } from '../lib/ids';
import { checkDestination } from '../programs/check-hosts';
import { checkCode } from './check-code';
import { clickIdParamRaced, throwIfClickIdParamClash } from './check-click-id-param';
import type { CreateLinkInput } from './schemas';

/**
 * Builds a link row (not yet stored) after checking its destination against the program: its
 * hosts, and, when the link brings its own url or utm_*, that the click id parameter overwrites
 * none of them (a link without either is the program's defaultUrl, which the program checks).
 */
export function buildLink(program: ProgramRow, partner: PartnerRow, input: CreateLinkInput, now: Date, code: string): LinkRow {
  const url = input.url ? checkDestination(input.url, program.allowedHosts, 'url') : program.defaultUrl;
  const utm = input.utm && Object.keys(input.utm).length > 0 ? input.utm : null;
  if (input.url !== undefined || utm) throwIfClickIdParamClash(url, program.clickIdParam, utm);
  return {
    id: newId('lnk'),
    programId: program.id,
    partnerId: partner.id,
    code,
    codeKey: code.toLowerCase(),
    url,
    campaign: input.campaign ?? null,
    utm,
    archivedAt: null,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * Creates a link for a partner. A vanity code that is taken (case-insensitively) is a 409;
 * without one a fresh 8-character code is generated (retried on the rare collision). The row is
 * written only while the program's clickIdParam is still the one it was checked against: after a
 * concurrent rename it is built and checked again against the program as it now is.
 */
export async function createLink({ db, now, program, partner, input }: { db: Db; now: Date; program: ProgramRow; partner: PartnerRow; input: CreateLinkInput }): Promise<LinkRow> {
  if (partner.status !== 'active') throw new ValidationError('partnerId', 'partner is suspended', 'partner_suspended');
  if (input.code !== undefined) checkCode(input.code);
  for (let collisions = 0, renames = 0; ; ) {
    const row = buildLink(program, partner, input, now, input.code ?? generateCode());
    try {
      if (await insertLinkIfClickIdParam(db, row, program.clickIdParam)) return row;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      if (input.code !== undefined) throw new ConflictError(`Code "${input.code}" is already taken`, 'code_taken');
      if (++collisions > 4) throw err;
      continue;
    }
    if (++renames > 1) throw clickIdParamRaced();
    const fresh = await findProgram(db, program.id);
    if (!fresh) throw new NotFoundError('Program');
    program = fresh;
  }
}
