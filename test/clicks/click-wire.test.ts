import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CapturedClick } from '../../src/clicks/click-sink';
import { decodeClicks, encodeClick, joinClicks } from '../../src/clicks/click-wire';

const click = (over: Partial<CapturedClick> = {}): CapturedClick => ({
  id: 'clk_0Abcdefgh123456789012',
  at: new Date(1_790_000_000_123),
  linkId: 'lnk_1',
  programId: 'prg_1',
  partnerId: 'ptn_1',
  dedupWindowSeconds: 3600,
  ip: '203.0.113.9',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0',
  referer: 'https://news.test/post?id=1',
  purpose: null,
  landingUrl: 'https://go.test/code?utm_source=x',
  country: 'DE',
  ...over,
});

describe('click wire format (request thread → writer thread)', () => {
  it('gives back exactly the clicks it was given, nulls and empty strings kept apart', () => {
    const clicks = [click(), click({ id: 'clk_2', ip: null, userAgent: '', referer: null, country: null, purpose: 'prefetch' }), click({ id: 'clk_3', userAgent: 'ünïcödé 😀', landingUrl: 'http://[::1]:8787/x' })];
    expect(decodeClicks(joinClicks(clicks.map(encodeClick)))).toEqual(clicks);
    expect(decodeClicks(joinClicks([]))).toEqual([]);
  });

  it('sends a click with separator characters in it as JSON, unchanged', () => {
    const odd = click({ userAgent: 'a\u0001b\u0002c\u0003', referer: '[not json' });
    expect(encodeClick(odd).startsWith('[')).toBe(true);
    expect(decodeClicks(joinClicks([encodeClick(click()), encodeClick(odd), encodeClick(click({ id: 'clk_9' }))]))).toEqual([click(), odd, click({ id: 'clk_9' })]);
  });

  it('round-trips any clicks (property)', () => {
    const str = fc.string({ unit: 'binary', maxLength: 40 });
    const arb = fc.record({
      id: str,
      at: fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => new Date(ms)),
      linkId: str,
      programId: str,
      partnerId: str,
      dedupWindowSeconds: fc.integer({ min: 0, max: 31_536_000 }),
      ip: fc.option(str, { nil: null }),
      userAgent: fc.option(str, { nil: null }),
      referer: fc.option(str, { nil: null }),
      purpose: fc.option(str, { nil: null }),
      landingUrl: str,
      country: fc.option(str, { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(arb, { minLength: 1, maxLength: 8 }), (clicks) => {
        expect(decodeClicks(joinClicks(clicks.map(encodeClick)))).toEqual(clicks);
      }),
      { numRuns: 300 },
    );
  });
});
