import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { AppDeps } from '../env';
import { newClickId } from '../lib/ids';
import { capturedClick, clickRedirectHeaders } from './redirect-response';
import { isPrefetchRequest } from '../clicks/bot-rules';
import { RESERVED_CODES } from '../lib/codes';

export interface FastRedirectOptions {
  /** Client IP of a request (TRUST_PROXY=N: the Nth X-Forwarded-For entry from the right, else the socket peer); the app's own. */
  clientIp(forwardedFor: string | undefined, remoteAddress: string | undefined): string | null;
  /** Lowercase name of the header that carries the visitor's country (cf-ipcountry by default). */
  countryHeader: string;
}

// What `/:code{[A-Za-z0-9][A-Za-z0-9_-]{0,49}}` (or the same with a trailing slash) matches in the
// app, with or without a query.
const CODE_PATH = /^\/([A-Za-z0-9][A-Za-z0-9_-]{0,49})(\/?)(?:\?|$)/;
// A query the WHATWG URL parser (which builds the app's request URL) leaves as it is: printable
// ASCII without " # ' < > (it percent-encodes those, spaces and non-ASCII) and without a backslash.
// Any other query goes through the app, so the Location passes on exactly what the app's would.
const STABLE_QUERY = /^[!$%&()*+,\-./0-9:;=?@A-Z[\]^_`a-z{|}~]*$/;
// A plain host[:port] (or [ipv6]:port); anything else goes through the app, which validates it.
const PLAIN_HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * Node keeps only the first of repeated User-Agent or Referer lines, while the app's fetch Headers
 * join them all ("a, b"): a request with one of them twice (never a browser's) goes to the app, so
 * its click gets the same user agent, visitor hash and referrer host on both paths.
 */
function repeatsUserAgentOrReferer(raw: readonly string[]): boolean {
  let ua = 0;
  let referer = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i]!;
    if (k.length === 10 && k.toLowerCase() === 'user-agent') ua++;
    else if (k.length === 7 && k.toLowerCase() === 'referer') referer++;
  }
  return ua > 1 || referer > 1;
}

const one = (v: string | string[] | undefined): string | null => (v === undefined ? null : Array.isArray(v) ? v.join(', ') : v);

/**
 * Node's hot path for `GET /:code` (and `/:code/`): when the link is already in the link cache (the app put it
 * there on an earlier request) and is live, answer the 302 straight from node:http — no fetch
 * Request/Response objects, no Hono routing — with exactly the headers, click id, cookie and
 * captured click the app's redirect route produces (same helpers; a test compares both).
 * Anything else (HEAD, a prefetch, a cache miss, an archived link, a suspended partner, an odd Host, a query the
 * URL parser would re-encode, a repeated User-Agent or Referer line) returns
 * false and the request goes to the Hono app as usual. Workers always use the app's route.
 */
export function nodeFastRedirect(deps: AppDeps, opts: FastRedirectOptions) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'GET') return false;
    const url = req.url;
    if (!url || url.charCodeAt(0) !== 47) return false;
    const m = CODE_PATH.exec(url);
    if (!m) return false;
    const query = url.length > m[0].length ? url.slice(m[0].length) : '';
    if (query !== '' && !STABLE_QUERY.test(query)) return false;
    const codeKey = m[1]!.toLowerCase();
    if (m[2] && RESERVED_CODES.has(codeKey)) return false; // `/v1/`…: the app's 404, never a code
    const target = deps.linkCache.peek(codeKey);
    if (!target || target.archived || target.partnerStatus !== 'active') return false;
    const h = req.headers;
    const host = h.host;
    if (!host || !PLAIN_HOST.test(host)) return false;
    if (repeatsUserAgentOrReferer(req.rawHeaders)) return false;
    const secPurpose = one(h['sec-purpose']);
    const oldPurpose = one(h.purpose);
    if (isPrefetchRequest(secPurpose, oldPurpose)) return false; // the app declines it
    const purpose = secPurpose ?? oldPurpose;

    const at = deps.clock();
    const clickId = newClickId(at.getTime());
    // The hostname the app's URL parser would give for this plain Host (lower-case, no port).
    const hostname = target.cookieDomain ? host.replace(/:\d+$/, '').toLowerCase() : null;
    const headers = clickRedirectHeaders(target, clickId, query, hostname);
    headers['content-length'] = '0';
    const pressure = deps.clickSink.capture(
      capturedClick(target, clickId, at, {
        ip: opts.clientIp(one(h['x-forwarded-for']) ?? undefined, req.socket.remoteAddress),
        userAgent: one(h['user-agent']),
        referer: one(h.referer),
        purpose,
        landingUrl: `${(req.socket as TLSSocket).encrypted ? 'https' : 'http'}://${host}${url}`,
        country: one(h[opts.countryHeader]),
      }),
      null,
    );
    if (pressure) {
      void pressure.then(() => res.writeHead(302, headers).end());
    } else {
      res.writeHead(302, headers).end();
    }
    return true;
  };
}
