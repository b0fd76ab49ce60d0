import { isPrivateHost } from './private-host';

export const MAX_WEBHOOK_URL_LENGTH = 2048;

export type WebhookUrlCheck = { ok: true; url: string } | { ok: false; reason: string; message: string };

const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f-\u009f]/;

/**
 * A webhook URL: absolute https (http only with WEBHOOKS_ALLOW_HTTP=1, for local receivers), no
 * user-info (credentials would be stored in clear and sent in logs of proxies), no spaces, control
 * characters or backslashes, at most 2,048 characters before and after normalising, and no
 * private or loopback host (private-host.ts) unless WEBHOOKS_ALLOW_HTTP=1. Returns the
 * WHATWG-normalised href, which is what is stored and called.
 */
export function checkWebhookUrl(raw: string, allowHttp: boolean): WebhookUrlCheck {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) return fail('too_long', `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
  if (CONTROL_OR_SPACE.test(raw) || raw.includes('\\')) return fail('invalid_url', 'must not contain spaces, control characters or backslashes');
  if (!/^https?:\/\/[^/]/i.test(raw) || !URL.canParse(raw)) return fail('invalid_url', 'must be an absolute https:// URL');
  const url = new URL(raw);
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) {
    return fail('scheme_not_allowed', allowHttp ? 'must be http:// or https://' : 'must be https:// (http:// only with WEBHOOKS_ALLOW_HTTP=1)');
  }
  // "https://@host" parses to empty credentials: check the raw authority too.
  const authority = raw.slice(raw.indexOf('//') + 2).split(/[/?#]/)[0]!;
  if (url.username || url.password || authority.includes('@')) return fail('credentials_not_allowed', 'must not contain credentials (user:password@)');
  if (url.href.length > MAX_WEBHOOK_URL_LENGTH) return fail('too_long', `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
  // The server itself would make the call: never to its own machine, a private network or cloud
  // metadata, unless WEBHOOKS_ALLOW_HTTP=1 says this is a local set-up with a local receiver.
  if (!allowHttp && isPrivateHost(url.hostname)) return fail('private_address', 'must name a public host, not localhost or a private, loopback or link-local address (allowed only with WEBHOOKS_ALLOW_HTTP=1)');
  return { ok: true, url: url.href };
}

const fail = (reason: string, message: string): WebhookUrlCheck => ({ ok: false, reason, message });
