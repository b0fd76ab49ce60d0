import { ConflictError } from '../lib/errors';

/** 409 for an email another partner of the program already has (compared trimmed, any case). */
export function emailTakenError(): ConflictError {
  return new ConflictError('A partner with this email already exists in the program', 'email_taken');
}
