import { describe, expect, it } from 'vitest';
import { normalizeAllowedHost, validateDestination } from '../../src/links/validate-destination';

const ALLOWED = ['example.com', '*.shop.example.com', 'bücher.example', '127.0.0.1', '[::1]'];

describe('validateDestination — hostile URLs are rejected', () => {
  const cases: Array<[name: string, raw: string, reason: string]> = [
    // schemes
    ['javascript:', 'javascript:alert(1)', 'scheme_not_allowed'],
    ['JavaScript: mixed case', 'JaVaScRiPt:alert(document.cookie)', 'scheme_not_allowed'],
    ['javascript with // comment', 'javascript://example.com/%0aalert(1)', 'scheme_not_allowed'],
    ['data:', 'data:text/html,<script>alert(1)</script>', 'scheme_not_allowed'],
    ['vbscript:', 'vbscript:msgbox(1)', 'scheme_not_allowed'],
    ['file:', 'file:///etc/passwd', 'scheme_not_allowed'],
    ['ftp:', 'ftp://example.com/file', 'scheme_not_allowed'],
    ['ws:', 'ws://example.com/socket', 'scheme_not_allowed'],
    ['blob:', 'blob:https://example.com/uuid', 'scheme_not_allowed'],
    ['mailto:', 'mailto:a@example.com', 'scheme_not_allowed'],
    // not absolute / ambiguous forms
    ['empty string', '', 'invalid_url'],
    ['protocol-relative', '//evil.com', 'invalid_url'],
    ['protocol-relative to allowed host', '//example.com/path', 'invalid_url'],
    ['relative path', '/path/to/page', 'invalid_url'],
    ['dot relative path', '../evil', 'invalid_url'],
    ['bare host', 'example.com', 'invalid_url'],
    ['https: without slashes', 'https:example.com', 'invalid_url'],
    ['https: with one slash', 'https:/example.com', 'invalid_url'],
    ['empty host', 'https://', 'invalid_url'],
    ['invalid port', 'https://example.com:99999/', 'invalid_url'],
    ['percent-encoded NUL in host', 'https://example.com%00.evil.com', 'invalid_url'],
    // backslashes
    ['backslash userinfo trick', 'https://evil.com\\@example.com', 'invalid_url'],
    ['backslash as slash', 'https:\\\\evil.com', 'invalid_url'],
    ['backslash in path', 'https://example.com\\..\\evil', 'invalid_url'],
    // credentials
    ['allowed host as username', 'https://example.com@evil.com', 'credentials_not_allowed'],
    ['user:password', 'https://user:pw@example.com', 'credentials_not_allowed'],
    ['empty userinfo', 'https://@example.com', 'credentials_not_allowed'],
    ['empty password', 'https://user:@example.com/', 'credentials_not_allowed'],
    ['encoded slash in userinfo', 'https://example.com%2F@evil.com', 'credentials_not_allowed'],
    // host look-alikes
    ['allowed host as prefix', 'https://example.com.evil.com', 'host_not_allowed'],
    ['allowed host as suffix without dot', 'https://evilexample.com', 'host_not_allowed'],
    ['hyphenated look-alike', 'https://evil-example.com', 'host_not_allowed'],
    ['encoded dot in host', 'https://example.com%2e.evil.com', 'host_not_allowed'],
    ['cyrillic homoglyph', 'https://exаmple.com', 'host_not_allowed'],
    ['wildcard apex is not covered', 'https://shop.example.com', 'host_not_allowed'],
    ['wildcard look-alike', 'https://evil-shop.example.com', 'host_not_allowed'],
    ['wildcard suffix then evil', 'https://a.shop.example.com.evil.com', 'host_not_allowed'],
    ['literal * host', 'https://*.shop.example.com', 'host_not_allowed'],
    ['empty label under wildcard', 'https://a..shop.example.com', 'host_not_allowed'],
    ['leading dot under wildcard', 'https://.shop.example.com', 'host_not_allowed'],
    ['two trailing dots', 'https://example.com..', 'host_not_allowed'],
    ['subdomain of exact entry', 'https://www.example.com', 'host_not_allowed'],
    ['punycode of other host', 'https://xn--exmple-4nf.com', 'host_not_allowed'],
    // IP literals not in the list
    ['loopback v4 not listed in this set', 'http://127.0.0.2', 'host_not_allowed'],
    ['metadata IP', 'http://169.254.169.254/latest/meta-data', 'host_not_allowed'],
    ['IPv6 not listed', 'http://[::2]', 'host_not_allowed'],
    ['IPv4-mapped IPv6', 'http://[::ffff:127.0.0.1]', 'host_not_allowed'],
    ['localhost', 'http://localhost:3000', 'host_not_allowed'],
    // control characters and whitespace
    ['tab in scheme', 'java\tscript:alert(1)', 'control_characters'],
    ['newline in host', 'https://example.com\n.evil.com', 'control_characters'],
    ['carriage return', 'https://example.com/\r\nSet-Cookie:x=1', 'control_characters'],
    ['leading space', ' https://example.com', 'control_characters'],
    ['trailing space', 'https://example.com ', 'control_characters'],
    ['space in path', 'https://example.com/a b', 'control_characters'],
    ['NUL byte', 'https://example.com/\u0000', 'control_characters'],
    ['DEL', 'https://example.com/\u007f', 'control_characters'],
    ['C1 control', 'https://example.com/\u0085', 'control_characters'],
    // length
    ['3000-char URL', `https://example.com/${'a'.repeat(2980)}`, 'too_long'],
    ['2049 chars', `https://example.com/${'a'.repeat(2049 - 20)}`, 'too_long'],
  ];

  it.each(cases)('%s', (_name, raw, reason) => {
    expect(validateDestination(raw, ALLOWED)).toEqual({ ok: false, reason });
  });

  it('has at least 40 hostile cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it('rejects IP literals in every spelling when only a name is allowed', () => {
    for (const raw of [
      'http://127.0.0.1',
      'http://[::1]',
      'http://2130706433',
      'http://0177.0.0.1',
      'http://0x7f.0.0.1',
      'http://0x7f.1',
      'http://127.1',
    ]) {
      expect(validateDestination(raw, ['example.com'])).toEqual({ ok: false, reason: 'host_not_allowed' });
    }
  });

  it('rejects everything with an empty or invalid allow-list', () => {
    expect(validateDestination('https://example.com', [])).toEqual({ ok: false, reason: 'host_not_allowed' });
    expect(validateDestination('https://example.com', ['https://example.com', 'example.com/'])).toEqual({
      ok: false,
      reason: 'host_not_allowed',
    });
  });
});

describe('validateDestination — allowed URLs', () => {
  const cases: Array<[name: string, raw: string, url: string, host: string]> = [
    ['exact host', 'https://example.com', 'https://example.com/', 'example.com'],
    ['http', 'http://example.com/a', 'http://example.com/a', 'example.com'],
    ['uppercase scheme and host', 'HTTPS://EXAMPLE.com/Path', 'https://example.com/Path', 'example.com'],
    ['trailing dot is normalised away', 'https://EXAMPLE.com./x', 'https://example.com/x', 'example.com'],
    ['query and fragment kept', 'https://example.com/p?a=1&b=%20#frag', 'https://example.com/p?a=1&b=%20#frag', 'example.com'],
    ['subdomain under wildcard', 'https://eu.shop.example.com/cart', 'https://eu.shop.example.com/cart', 'eu.shop.example.com'],
    ['deep subdomain under wildcard', 'https://a.b.shop.example.com', 'https://a.b.shop.example.com/', 'a.b.shop.example.com'],
    ['non-default port on allowed host', 'https://example.com:8443/x', 'https://example.com:8443/x', 'example.com'],
    ['default port dropped', 'https://example.com:443/x', 'https://example.com/x', 'example.com'],
    ['IDN given in unicode in the allow-list', 'https://bücher.example/buch', 'https://xn--bcher-kva.example/buch', 'xn--bcher-kva.example'],
    ['IDN given as punycode in the URL', 'https://xn--bcher-kva.example/', 'https://xn--bcher-kva.example/', 'xn--bcher-kva.example'],
    ['percent-encoded host letters decode to allowed host', 'https://ex%61mple.com/', 'https://example.com/', 'example.com'],
    ['listed IPv4', 'http://127.0.0.1:8080/', 'http://127.0.0.1:8080/', '127.0.0.1'],
    ['listed IPv6', 'http://[::1]/', 'http://[::1]/', '[::1]'],
    ['path is percent-encoded', 'https://example.com/ü?q=ü', 'https://example.com/%C3%BC?q=%C3%BC', 'example.com'],
    ['exactly 2048 chars', `https://example.com/${'a'.repeat(2048 - 20)}`, `https://example.com/${'a'.repeat(2048 - 20)}`, 'example.com'],
  ];

  it.each(cases)('%s', (_name, raw, url, host) => {
    expect(validateDestination(raw, ALLOWED)).toEqual({ ok: true, url, host });
  });
});

describe('normalizeAllowedHost', () => {
  const cases: Array<[entry: string, expected: string | null]> = [
    ['example.com', 'example.com'],
    ['EXAMPLE.COM', 'example.com'],
    ['example.com.', 'example.com'],
    ['*.example.com', '*.example.com'],
    ['*.EXAMPLE.com.', '*.example.com'],
    ['bücher.example', 'xn--bcher-kva.example'],
    ['*.bücher.example', '*.xn--bcher-kva.example'],
    ['localhost', 'localhost'],
    ['127.0.0.1', '127.0.0.1'],
    ['[::1]', '[::1]'],
    ['', null],
    ['https://example.com', null],
    ['example.com/path', null],
    ['example.com:8080', null],
    ['user@example.com', null],
    ['exa mple.com', null],
    [' example.com', null],
    ['example..com', null],
    ['.example.com', null],
    ['*.', null],
    ['*', null],
    ['*.com', null],
    ['a.*.example.com', null],
    ['**.example.com', null],
    ['*.127.0.0.1', null],
    ['2130706433', null],
    ['0x7f.0.0.1', null],
    ['127.1', null],
    ['[0:0:0:0:0:0:0:1]', null],
    ['::1', null],
    ['example.com?x', null],
    ['example.com#x', null],
    ['ex%61mple.com', null],
    ['example.com\\evil.com', null],
    ['ex!mple.com', null],
  ];

  it.each(cases)('%j → %j', (entry, expected) => {
    expect(normalizeAllowedHost(entry)).toBe(expected);
  });
});
