import { describe, expect, it } from 'vitest';
import { appendQuery, forwardedQuery, MAX_FORWARDED_QUERY, ownParamKeys, paramKey, rawQueryOf } from '../../src/links/forward-query';

// The pure rules behind the redirect's query pass-through (the route tests are in forward-query.test.ts).

describe('paramKey — a name as the destination reads it, lowercased', () => {
  it.each([
    ['rcid', 'rcid'],
    ['RCID', 'rcid'],
    ['%72cid', 'rcid'],
    ['r%63id', 'rcid'],
    ['utm%5Fsource', 'utm_source'],
    ['utm+source', 'utm source'],
    ['%zz', '%zz'],
    ['%', '%'],
    ['?rcid', '?rcid'],
    ['%3Frcid', '?rcid'],
    ['', ''],
    ['caf%C3%A9', 'café'],
  ])('%j → %j', (raw, key) => expect(paramKey(raw)).toBe(key));
});

describe('forwardedQuery', () => {
  const own = ownParamKeys('https://a.test/p?plan=pro&utm_source=nl#f', 'Ref_Id');
  it('own keys: the url query and the click id parameter, lowercased', () => {
    expect([...own].sort()).toEqual(['plan', 'ref_id', 'utm_source']);
  });
  it.each([
    ['', ''],
    ['a=1', 'a=1'],
    ['plan=free&a=1', 'a=1'],
    // `ref+id` (`ref id`) is ref_id to PHP, as are `ref.id` and `ref_id[]`; h2 passes.
    ['PLAN=free&Utm_Source=x&ref_id=f&REF%5FID=g&ref+id=h&h2=1', 'h2=1'],
    ['ref.id=1&REF%2EID=2&ref_id[]=3&ref_id%5B0%5D=4&+ref_id=5&plan[x]=6&utm.source=7&k=1', 'k=1'],
    // A `;`-separated part naming an own key drops the whole pair; other `;` and `[`/`.` names pass.
    ['a=1;ref_id=x&b=1;c=2&tag[]=t&[ref_id]=y&u.v=1&refid=z', 'b=1;c=2&tag[]=t&[ref_id]=y&u.v=1&refid=z'],
    ['a=1&&b=2&', 'a=1&b=2'],
    ['t=a&t=b&t=a', 't=a&t=b&t=a'],
    ['x=%2F%3F&y=+%20', 'x=%2F%3F&y=+%20'],
    ['flag&=v&==', 'flag&=v&=='],
  ])('%j → %j', (raw, out) => expect(forwardedQuery(raw, own)).toBe(out));

  it('own keys with a dot or a space also protect their framework spelling', () => {
    const dotted = ownParamKeys('https://a.test/p?a.b=1&c%20d=2', 'rcid');
    expect([...dotted].sort()).toEqual(['a.b', 'a_b', 'c d', 'c_d', 'rcid']);
    expect(forwardedQuery('a_b=x&c_d=y&c.d=z&ab=w', dotted)).toBe('ab=w');
  });

  it('keeps whole parameters up to MAX_FORWARDED_QUERY characters, skipping those that do not fit', () => {
    const big = `b=${'x'.repeat(MAX_FORWARDED_QUERY)}`;
    expect(forwardedQuery(`${big}&g=1`, own)).toBe('g=1');
    const exact = `e=${'x'.repeat(MAX_FORWARDED_QUERY - 2)}`;
    expect(forwardedQuery(`${exact}&g=1`, own)).toBe(exact);
    expect(forwardedQuery(`g=1&${exact.slice(4)}&h=2`, own)).toBe(`g=1&${exact.slice(4)}`);
  });
});

describe('appendQuery and rawQueryOf', () => {
  it.each([
    ['https://a.test/', 'x=1', 'https://a.test/?x=1'],
    ['https://a.test/p?a=1', 'x=1', 'https://a.test/p?a=1&x=1'],
    ['https://a.test/p?a=1#f', 'x=1', 'https://a.test/p?a=1&x=1#f'],
    ['https://a.test/p#f?g', 'x=1', 'https://a.test/p?x=1#f?g'],
    ['https://a.test/p?', 'x=1', 'https://a.test/p?x=1'],
    ['https://a.test/p?a=1', '', 'https://a.test/p?a=1'],
  ])('%s + %s → %s', (href, extra, out) => expect(appendQuery(href, extra)).toBe(out));

  it.each([
    ['https://r.test/abc', ''],
    ['https://r.test/abc?', ''],
    ['https://r.test/abc?a=1&b', 'a=1&b'],
    ['https://r.test/abc?a=1?b#f', 'a=1?b'],
  ])('%s → %j', (url, q) => expect(rawQueryOf(url)).toBe(q));
});
