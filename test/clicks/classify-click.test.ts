import { describe, expect, it } from 'vitest';
import { classifyClick } from '../../src/clicks/classify-click';
import type { ClickRequestFacts } from '../../src/clicks/classify-click';

const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

function facts(overrides: Partial<ClickRequestFacts> = {}): ClickRequestFacts {
  return {
    userAgent: CHROME_WINDOWS,
    referer: null,
    purpose: null,
    landingUrl: 'https://ref.example/abc',
    country: null,
    ...overrides,
  };
}

describe('classifyClick — bots, previews and prefetches', () => {
  const cases: Array<[ua: string | null, purpose: string | null, reason: string]> = [
    // link previews
    ['facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', null, 'link_preview'],
    ['Mozilla/5.0 (compatible; Facebot/1.0; +http://www.facebook.com/bot.html)', null, 'link_preview'],
    ['Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', null, 'link_preview'],
    ['Slackbot 1.0 (+https://api.slack.com/robots)', null, 'link_preview'],
    ['Twitterbot/1.0', null, 'link_preview'],
    ['WhatsApp/2.23.20.0 A', null, 'link_preview'],
    ['TelegramBot (like TwitterBot)', null, 'link_preview'],
    ['Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)', null, 'link_preview'],
    ['LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)', null, 'link_preview'],
    ['Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com', null, 'link_preview'],
    ['Mozilla/5.0 (compatible; Pinterestbot/1.0; +http://www.pinterest.com/bot.html)', null, 'link_preview'],
    ['Pinterest/0.2 (+http://www.pinterest.com/bot.html)', null, 'link_preview'],
    ['Mozilla/5.0 (compatible; redditbot/1.0; +http://www.reddit.com/feedback)', null, 'link_preview'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)', null, 'link_preview'],
    ['Mozilla/5.0 (compatible; Embedly/0.2; +http://support.embed.ly/)', null, 'link_preview'],
    ['Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)', null, 'link_preview'],
    ['Iframely/1.3.1 (+https://iframely.com/docs/about)', null, 'link_preview'],
    ['bitlybot/3.0 (+http://bit.ly/)', null, 'link_preview'],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/49.0.2623.75 Safari/537.36 Google-PageRenderer Google (+https://developers.google.com/+/web/snippet/)', null, 'link_preview'],
    ['Snapchat/12.50 (link preview)', null, 'link_preview'],
    ['Viber/20.1', null, 'link_preview'],
    ['Line/13.16.0', null, 'link_preview'],
    ['http.rb/5.1.1 (Mastodon/4.1.2; +https://mastodon.social/)', null, 'link_preview'],
    ['Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)', null, 'link_preview'],
    // Snap's fetcher spoofs a desktop Safari and appends other previewers' names
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0', null, 'link_preview'],
    // crawlers
    ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', null, 'crawler'],
    ['Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', null, 'crawler'],
    ['Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)', null, 'crawler'],
    ['curl/8.4.0', null, 'crawler'],
    ['python-requests/2.31.0', null, 'crawler'],
    ['Go-http-client/1.1', null, 'crawler'],
    ['SomethingOdd', null, 'crawler'], // isbot treats UAs that look like no browser as bots
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36', null, 'crawler'],
    ['Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.0; +https://openai.com/gptbot)', null, 'crawler'],
    // link preview wins over crawler even when isbot would also match
    ['Mozilla/5.0 (compatible; Discordbot/2.0) Googlebot', null, 'link_preview'],
    // prefetch
    [CHROME_WINDOWS, 'prefetch', 'prefetch'],
    [CHROME_WINDOWS, 'prefetch;prerender', 'prefetch'],
    [CHROME_WINDOWS, 'prefetch;anonymous-client-ip', 'prefetch'],
    [CHROME_WINDOWS, 'Prefetch', 'prefetch'],
    [null, 'prefetch', 'prefetch'],
    // missing UA
    [null, null, 'missing_user_agent'],
    ['', null, 'missing_user_agent'],
    ['   ', null, 'missing_user_agent'],
  ];

  it.each(cases)('%j (purpose %j) → %s', (userAgent, purpose, reason) => {
    const result = classifyClick(facts({ userAgent, purpose }));
    expect(result.bot).toBe(true);
    expect(result.botReason).toBe(reason);
    expect(result.deviceType).toBe('bot');
  });

  it('has at least 25 bot cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });
});

describe('classifyClick — real browsers', () => {
  const cases: Array<[name: string, ua: string, deviceType: string, browser: string, os: string]> = [
    ['Chrome on Windows', CHROME_WINDOWS, 'desktop', 'Chrome', 'Windows'],
    ['Safari on iPhone', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1', 'mobile', 'Mobile Safari', 'iOS'],
    ['Safari on iPad', 'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1', 'tablet', 'Mobile Safari', 'iOS'],
    ['Chrome on Android', 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36', 'mobile', 'Chrome', 'Android'],
    ['Firefox on Linux', 'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0', 'desktop', 'Firefox', 'Linux'],
    ['Edge on Windows', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.68', 'desktop', 'Edge', 'Windows'],
    ['Samsung Internet', 'Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36', 'mobile', 'Samsung Internet', 'Android'],
    ['Safari on macOS', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15', 'desktop', 'Safari', 'Mac OS'],
    ['Chrome on iPhone', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1', 'mobile', 'Chrome', 'iOS'],
    ['Firefox on Android tablet', 'Mozilla/5.0 (Android 13; Tablet; rv:127.0) Gecko/127.0 Firefox/127.0', 'tablet', 'Firefox', 'Android'],
    ['LINE in-app browser is a person', 'Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/13.16.0', 'mobile', 'Line', 'iOS'],
    ['Snapchat in-app browser is a person', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Snapchat/12.50.0.36 (like Safari/8617.1.17.10.9, panda)', 'mobile', 'Snapchat', 'iOS'],
    // Android tablets' WebViews (and Chrome) say no "Mobile": these are people, not previews
    ['LINE in-app browser on an Android tablet is a person', 'Mozilla/5.0 (Linux; Android 12; SM-T500 Build/SP1A.210812.016; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/114.0.5735.196 Safari/537.36 Line/13.9.1/IAB', 'tablet', 'Line', 'Android'],
    ['Snapchat in-app browser on an Android tablet is a person', 'Mozilla/5.0 (Linux; Android 13; SM-X700 Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Safari/537.36 Snapchat/12.68.0.40 (SM-X700; Android 13#X700XXU2BWK4#33; gzip; )', 'tablet', 'Snapchat', 'Android'],
    ['Xbox', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox One) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19041', 'console', 'Edge', 'Xbox'],
  ];

  it.each(cases)('%s', (_name, userAgent, deviceType, browser, os) => {
    expect(classifyClick(facts({ userAgent }))).toMatchObject({ bot: false, botReason: null, deviceType, browser, os });
  });

  it('a non-prefetch purpose is not a bot', () => {
    expect(classifyClick(facts({ purpose: 'prerender' })).bot).toBe(false);
  });

  it('a browser-looking UA with no recognisable browser or OS is a human of unknown device', () => {
    expect(classifyClick(facts({ userAgent: 'Mozilla/5.0 (Foo; Bar) Gecko/20100101' }))).toMatchObject({
      bot: false,
      deviceType: 'unknown',
      browser: null,
      os: null,
    });
  });
});

describe('classifyClick — odd user agents', () => {
  it('empty, blank and missing: a bot (missing_user_agent) of no browser or OS', () => {
    for (const userAgent of ['', '   ', null]) {
      expect(classifyClick(facts({ userAgent }))).toMatchObject({ bot: true, botReason: 'missing_user_agent', deviceType: 'bot', browser: null, os: null });
    }
  });

  it('10 KB: a real browser prefix is still read, a bot token at its end still found', () => {
    const pad = ' ' + 'x'.repeat(10_000);
    expect(classifyClick(facts({ userAgent: CHROME_WINDOWS + pad }))).toMatchObject({ bot: false, deviceType: 'desktop', browser: 'Chrome', os: 'Windows' });
    expect(classifyClick(facts({ userAgent: CHROME_WINDOWS + pad + ' Googlebot/2.1' }))).toMatchObject({ bot: true, botReason: 'crawler', deviceType: 'bot' });
    expect(classifyClick(facts({ userAgent: 'Mozilla/5.0 '.repeat(1_300) }))).toMatchObject({ bot: false, deviceType: 'unknown', browser: null, os: null });
  });

  it('non-ASCII (latin-1 bytes as Node hands them over) changes nothing', () => {
    const ua = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36 \u00c4\u00d6\u00e6\u0097\u00a5';
    expect(classifyClick(facts({ userAgent: ua }))).toMatchObject({ bot: false, deviceType: 'mobile', browser: 'Chrome', os: 'Android' });
  });
});

describe('classifyClick — referrer host', () => {
  const cases: Array<[referer: string | null, host: string | null]> = [
    ['https://www.Google.com/search?q=x', 'www.google.com'],
    ['http://t.co/abc', 't.co'],
    ['https://news.ycombinator.com.', 'news.ycombinator.com'],
    ['https://bücher.example/', 'xn--bcher-kva.example'],
    ['https://user:pw@example.com:8443/p', 'example.com'],
    ['http://203.0.113.5:8080/x', '203.0.113.5'],
    ['http://[2001:DB8::1]:443/', '[2001:db8::1]'],
    ['http://0x7f.1/', '127.0.0.1'],
    ['https://one.test, https://two.test/b', null], // two Referer lines joined
    [' https://padded.test ', 'padded.test'],
    [`https://${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(56)}.test/`, `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(56)}.test`], // 253
    [`https://${'a'.repeat(250)}.test/`, null], // no DNS name is longer than 253 (a 10 KB one was stored whole)
    ['android-app://com.google.android.gm/', null],
    ['file:///etc/passwd', null],
    ['not a url', null],
    ['/relative', null],
    ['', null],
    [null, null],
  ];

  it.each(cases)('%j → %j', (referer, host) => {
    expect(classifyClick(facts({ referer })).referrerHost).toBe(host);
  });
});

describe('classifyClick — paid ads', () => {
  const cases: Array<[landingUrl: string, paid: boolean]> = [
    ['https://ref.example/abc?gclid=Cj0KCQ', true],
    ['https://ref.example/abc?fbclid=IwAR0', true],
    ['https://ref.example/abc?msclkid=abc123', true],
    ['https://ref.example/abc?ttclid=E.C.P', true],
    ['https://ref.example/abc?utm_source=x&gbraid=0AAAA', true],
    ['https://ref.example/abc?gclid=', true],
    ['https://ref.example/abc?gclid', true],
    ['https://ref.example/abc', false],
    ['https://ref.example/abc?utm_source=google&utm_medium=cpc', false],
    ['https://ref.example/abc?GCLID=x', false],
    ['https://ref.example/abc#gclid=x', false],
    ['https://ref.example/gclid', false],
    ['not a url', false],
  ];

  it.each(cases)('%s → %s', (landingUrl, paid) => {
    expect(classifyClick(facts({ landingUrl })).paidAds).toBe(paid);
  });
});

describe('classifyClick — country', () => {
  const cases: Array<[country: string | null, expected: string | null]> = [
    ['US', 'US'],
    ['de', 'DE'],
    [' gb ', 'GB'],
    ['XX', null],
    ['T1', null],
    ['ZZ', null],
    ['USA', null],
    ['U', null],
    ['', null],
    [null, null],
  ];

  it.each(cases)('%j → %j', (country, expected) => {
    expect(classifyClick(facts({ country })).country).toBe(expected);
  });
});
