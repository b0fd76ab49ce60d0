import type { Db } from './db/client';
import type { LinkCache } from './links/link-cache';
import type { ClickSink } from './clicks/click-sink';
import type { Clock } from './lib/time';
import type { KeyedMutex } from './lib/keyed-mutex';
import type { ProgramCache } from './programs/program-cache';
import type { RateLimiter } from './middleware/rate-limit';
import type { CredentialLookups } from './middleware/auth';
import { MIN_SECRET_LENGTH, readPartnerAuthConfig, type PartnerAuthConfig } from './partner-auth/config';

/** Configuration read once from the environment (jwtSecret/jwtPrivateKey: partner sign-in). */
export interface AppConfig extends PartnerAuthConfig {
  /** SHA-256 hex of the root ADMIN_API_KEY; null when only stored keys are accepted. */
  adminKeyHash: string | null;
  /** Secret salt mixed into visitor hashes (never stored). */
  visitorSalt: string;
  /** Base URL for short links (e.g. https://ref.example.com); defaults to the request's origin. */
  publicUrl: string | null;
  /** WEBHOOKS_ALLOW_HTTP=1: webhook endpoints may be plain http:// (local receivers, tests). */
  webhooksAllowHttp?: boolean;
}

/** Everything createApp needs, built by a runtime entry (worker.ts / node.ts) or a test. */
export interface AppDeps {
  db: Db;
  config: AppConfig;
  clock: Clock;
  linkCache: LinkCache;
  /** Programs and active reward rules for the tracking path (short TTL, cleared on local change). */
  programCache: ProgramCache;
  clickSink: ClickSink;
  /** Per-partner serialisation of conversion writes within this isolate (contention only). */
  locks: KeyedMutex;
  /** Per-credential API rate limit; absent = unlimited. */
  rateLimiter?: RateLimiter;
  /** Portal sign-in requests per client IP (PORTAL_LOGIN_RATE_LIMIT_PER_MINUTE); absent = unlimited. */
  loginRateLimiter?: RateLimiter;
  /** The client's IP for visitor hashing; never stored or logged. */
  clientIp: (req: Request, raw: unknown) => string | null;
  /**
   * Sends due webhooks soon after a request that can queue them (tracking, payouts), besides the
   * periodic job: Workers pass `waitUntil`; absent = only the job delivers (tests).
   */
  sendWebhooksSoon?: (waitUntil?: (p: Promise<unknown>) => void) => void;
  /** ISO country of the client, from cf.country on Workers or a proxy header on Node. */
  clientCountry: (req: Request) => string | null;
}

export type AuthContext =
  | { kind: 'admin'; keyId: string | null; scopes: readonly string[] }
  | { kind: 'partner'; partnerId: string; programId: string; tokenId: string; tokenExpiresAt: Date };

export interface AppEnv {
  Variables: {
    requestId: string;
    deps: AppDeps;
    auth: AuthContext;
    /** The bearer token's admin and partner lookups, each made once per request (middleware/auth.ts). */
    credential?: CredentialLookups;
  };
}

/**
 * Without VISITOR_SALT the salt is derived from the admin key hash, so every isolate and restart
 * agrees (de-duplication keeps working); with neither, it is random per process. An ADMIN_API_KEY
 * shorter than JWT_SECRET's minimum is a start-up error, as a short JWT_SECRET is: it is the root key.
 */
export function readConfig(vars: Record<string, string | undefined>, adminKeyHash: string | null): AppConfig {
  if (vars.ADMIN_API_KEY && vars.ADMIN_API_KEY.length < MIN_SECRET_LENGTH) throw new Error(`ADMIN_API_KEY must be at least ${MIN_SECRET_LENGTH} characters`);
  return {
    adminKeyHash,
    visitorSalt: vars.VISITOR_SALT || (adminKeyHash ? `derived:${adminKeyHash}` : crypto.randomUUID()),
    publicUrl: readPublicUrl(vars.PUBLIC_URL),
    webhooksAllowHttp: vars.WEBHOOKS_ALLOW_HTTP === '1' || vars.WEBHOOKS_ALLOW_HTTP === 'true',
    ...readPartnerAuthConfig(vars),
  };
}

/** PUBLIC_URL without its trailing slashes; without http(s):// every short link would be broken. */
function readPublicUrl(value: string | undefined): string | null {
  if (!value) return null;
  if (!/^https?:\/\/[^/]/i.test(value) || !URL.canParse(value)) throw new Error(`PUBLIC_URL must be an http(s) URL such as https://ref.example.com, got "${value}"`);
  return value.replace(/\/+$/, '');
}

/**
 * A numeric setting: `fallback` when unset or empty, else a number in [min, max] (an integer when
 * `integer`). Anything else is a start-up error naming the variable — never a silent default
 * (RATE_LIMIT_PER_SECOND=abc used to turn the rate limit off, APPROVE_INTERVAL_SECONDS=abc ran the
 * approval job every millisecond).
 */
export function numberVar(
  vars: Record<string, string | undefined>,
  name: string,
  fallback: number,
  { min, max = Number.MAX_SAFE_INTEGER, integer = false }: { min: number; max?: number; integer?: boolean },
): number {
  // String(): on Workers a [vars] entry written as a TOML number arrives as a number.
  const raw = vars[name] == null ? '' : String(vars[name]).trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new Error(`${name} must be ${integer ? 'an integer' : 'a number'} ${range}, got "${vars[name]}"`);
  }
  return n;
}
