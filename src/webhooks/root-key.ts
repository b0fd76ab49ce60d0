import type { AppConfig } from '../env';
import { partnerAuthConfigOf } from '../partner-auth/config';
import { ApiError } from '../lib/errors';

/**
 * The server's root key that webhook secrets are derived from: JWT_SECRET (on Node generated into
 * `<database>.jwt-secret` when unset), else JWT_PRIVATE_KEY's PEM; null when neither is set.
 */
export function webhookRootKey(config: AppConfig): string | null {
  const { jwtSecret, jwtPrivateKey } = partnerAuthConfigOf(config);
  return jwtSecret ?? jwtPrivateKey ?? null;
}

export function webhookRootKeyOrThrow(config: AppConfig): string {
  const key = webhookRootKey(config);
  if (key === null) throw new ApiError('forbidden', 'webhooks are not configured: set JWT_SECRET (their signing secrets are derived from it)', 'not_configured');
  return key;
}
