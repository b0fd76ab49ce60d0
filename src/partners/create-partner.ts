import type { Db } from '../db/client';
import { isUniqueViolation } from '../db/client';
import { codeExists } from '../db/queries/links';
import { findPartnerByEmail, findPartnerByExternalId, insertPartnerWithLink, type LinkRow, type PartnerRow } from '../db/queries/partners';
import { findProgram, type ProgramRow } from '../db/queries/programs';
import { generateCode } from '../lib/codes';
import { ConflictError, NotFoundError } from '../lib/errors';
import { newId } from '../lib/ids';
import { buildLink } from '../links/create-link';
import { clickIdParamRaced } from '../links/check-click-id-param';
import { checkCode } from '../links/check-code';
import type { CreatePartnerInput } from './schemas';
import { emailTakenError } from './email-taken';

/**
 * Enrols a partner with a referral code and a default link to the program's defaultUrl (same code),
 * in one batch, written only while the program's clickIdParam is still the one read (else built again
 * from the program as it now is). A requested vanity code is used when free; when taken, a code is generated.
 * One partner per email and program: another with the same email (trimmed, any case) is a 409
 * `email_taken`, also when two arrive at once (the insert checks it, see insertPartnerWithLink).
 */
export async function createPartner({ db, now, program, input }: { db: Db; now: Date; program: ProgramRow; input: CreatePartnerInput }) {
  if (input.externalId && (await findPartnerByExternalId(db, program.id, input.externalId))) {
    throw new ConflictError(`A partner with externalId "${input.externalId}" already exists`, 'duplicate_external_id');
  }
  const email = input.email.trim().toLowerCase();
  if (await findPartnerByEmail(db, program.id, email)) throw emailTakenError();
  let vanity = input.code;
  if (vanity !== undefined) {
    checkCode(vanity);
    if (await codeExists(db, vanity.toLowerCase())) vanity = undefined;
  }
  for (let attempt = 0, renames = 0; ; attempt++) {
    const code = vanity ?? generateCode();
    const partner: PartnerRow = {
      id: newId('ptn'),
      programId: program.id,
      name: input.name,
      email,
      externalId: input.externalId ?? null,
      code,
      status: 'active',
      tokenGeneration: 0,
      payoutMethod: null,
      payoutDetails: null,
      payoutDetailsUpdatedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    const link: LinkRow = buildLink(program, partner, {}, now, code);
    try {
      if (await insertPartnerWithLink(db, partner, link, program.clickIdParam)) return { partner, link };
    } catch (err) {
      if (!isUniqueViolation(err) || attempt >= 4) {
        if (isUniqueViolation(err)) throw new ConflictError('Could not allocate a unique code; retry', 'code_taken');
        throw err;
      }
      vanity = undefined; // lost a race for the vanity code (or externalId): fall back to generated
      if (input.externalId && (await findPartnerByExternalId(db, program.id, input.externalId))) {
        throw new ConflictError(`A partner with externalId "${input.externalId}" already exists`, 'duplicate_external_id');
      }
      continue;
    }
    if (await findPartnerByEmail(db, program.id, email)) throw emailTakenError(); // a concurrent sign-up won
    // The program's clickIdParam was renamed since it was read (its defaultUrl may have moved with
    // it): the default link is built again from the program as it now is; twice is a 409.
    if (++renames > 1) throw clickIdParamRaced();
    const fresh = await findProgram(db, program.id);
    if (!fresh) throw new NotFoundError('Program');
    program = fresh;
  }
}
