import UAParser from 'ua-parser-js';
import { detectBot } from './bot-rules';
import type { BotReason } from './bot-rules';

export interface ClickRequestFacts {
  userAgent: string | null;
  referer: string | null;
  /** Sec-Purpose or Purpose header */
  purpose: string | null;
  /** The short-link request URL including its query */
  landingUrl: string;
  country: string | null;
}

export type DeviceType =
  | 'desktop'
  | 'mobile'
  | 'tablet'
  | 'tv'
  | 'console'
  | 'wearable'
  | 'embedded'
  | 'bot'
  | 'unknown';

export interface ClickClassification {
  deviceType: DeviceType;
  /** ua-parser-js 1.x names, e.g. 'Chrome', 'Mobile Safari' */
  browser: string | null;
  /** ua-parser-js 1.x names, e.g. 'iOS', 'Windows' */
  os: string | null;
  /** Hostname only, lowercase; null for missing/invalid/non-http(s) or longer than 253 */
  referrerHost: string | null;
  /** The landing query carries an ad-click id (presence of the key, even when empty) */
  paidAds: boolean;
  bot: boolean;
  botReason: BotReason | null;
  /** Two-letter uppercase ISO code, or null when unknown/anonymised */
  country: string | null;
}

// gbraid/wbraid are Google Ads' replacements for gclid on iOS traffic.
const AD_CLICK_ID_PARAMS = ['gclid', 'gbraid', 'wbraid', 'fbclid', 'msclkid', 'ttclid'] as const;

// Cloudflare: XX = unknown, T1 = Tor; ZZ is the conventional "unknown region".
const NON_COUNTRY_CODES = new Set(['XX', 'ZZ', 'T1']);

const DEVICE_TYPES: Readonly<Record<string, DeviceType>> = {
  mobile: 'mobile',
  tablet: 'tablet',
  smarttv: 'tv',
  console: 'console',
  wearable: 'wearable',
  embedded: 'embedded',
};

/**
 * Classifies a recorded click. Pure and deterministic; run at batch-write time, never on the
 * redirect path (UA parsing is too slow for it). Bots keep their parsed browser/os but always
 * get deviceType 'bot'.
 */
export function classifyClick(facts: ClickRequestFacts): ClickClassification {
  const ua = facts.userAgent ?? '';
  const { browser, os, device } = new UAParser(ua).getResult();
  const browserName = browser.name || null;
  const osName = os.name || null;
  const botReason = detectBot(facts.userAgent, facts.purpose);

  let deviceType: DeviceType;
  if (botReason !== null) deviceType = 'bot';
  else if (device.type) deviceType = DEVICE_TYPES[device.type] ?? 'unknown';
  else deviceType = browserName !== null || osName !== null ? 'desktop' : 'unknown';

  return {
    deviceType,
    browser: browserName,
    os: osName,
    referrerHost: referrerHost(facts.referer),
    paidAds: hasAdClickId(facts.landingUrl),
    bot: botReason !== null,
    botReason,
    country: normalizeCountry(facts.country),
  };
}

function referrerHost(referer: string | null): string | null {
  if (!referer) return null;
  let url: URL;
  try {
    url = new URL(referer.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  // No DNS name is longer than 253: a 10 KB one was stored whole, in the click and its rollups.
  return host === '' || host.length > 253 ? null : host;
}

function hasAdClickId(landingUrl: string): boolean {
  let params: URLSearchParams;
  try {
    params = new URL(landingUrl).searchParams;
  } catch {
    return false;
  }
  return AD_CLICK_ID_PARAMS.some((key) => params.has(key));
}

function normalizeCountry(country: string | null): string | null {
  const code = country?.trim().toUpperCase() ?? '';
  if (!/^[A-Z]{2}$/.test(code) || NON_COUNTRY_CODES.has(code)) return null;
  return code;
}
