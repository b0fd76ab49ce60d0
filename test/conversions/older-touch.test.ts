import { describe, expect, it } from 'vitest';
import { laterTouch, mayRecordOlderTouch, olderTouchToRecord, type Touch } from '../../src/conversions/resolve-attribution';
import { newSortableId } from '../../src/lib/ids';

const at = (day: number) => new Date(Date.UTC(2026, 2, day, 12));
const touch = (partnerId: string, day: number, clickDay?: number): Touch => ({
  partnerId,
  linkId: `lnk_${partnerId}`,
  // a later click of the same partner, kept on its touch (its id carries the time)
  clickId: clickDay === undefined ? null : newSortableId('clk', at(clickDay).getTime()),
  at: at(day),
});
const A = touch('A', 1);
const B = touch('B', 9); // the customer's current touch

describe('mayRecordOlderTouch: the neighbours are read only for a last_click lead whose own touch is older than the current one', () => {
  it.each([
    ['last_click', B, touch('C', 5), true],
    ['last_click', B, touch('C', 9), false], // at the current touch: not older
    ['last_click', B, touch('C', 10), false], // newer: it moves the customer instead
    ['last_click', B, null, false], // no touch of its own
    ['last_click', null, touch('C', 5), false], // no current touch: the lead's touch attributes the customer
    ['first_click', A, touch('C', 0), false],
  ] as const)('%s, current %o, own %o → %s', (model, current, own, expected) => {
    expect(mayRecordOlderTouch(model, current, own)).toBe(expected);
  });
});

describe('olderTouchToRecord: which older touch goes into the history’s past', () => {
  it.each([
    // own, before, after, recorded?
    ['C on day 5 between A and B', touch('C', 5), A, B, true],
    ['C on day 0, before every touch', touch('C', 0), null, A, true],
    ['C at exactly A’s instant: the recorded touch keeps it', touch('C', 1), A, B, false],
    ['A again on day 5: A’s tenure covers it', touch('A', 5), A, B, false],
    ['B on day 5: B’s touch is not moved back', touch('B', 5), A, B, false],
    ['C on day 5 before A’s later click (day 6) on A’s touch', touch('C', 5), touch('A', 1, 6), B, false],
    ['C on day 5 after A’s later click (day 3) on A’s touch', touch('C', 5), touch('A', 1, 3), B, true],
    ['no history row after it (before 0014): the current touch is the neighbour', touch('C', 5), A, null, true],
    ['the current partner’s own older touch, no row after it', touch('B', 5), A, null, false],
  ] as const)('%s → %s', (_name, own, before, after, expected) => {
    const out = olderTouchToRecord('last_click', B, own, before, after);
    expect(out).toBe(expected ? own : null);
  });

  it('first_click records nothing, and neither does a lead without its own touch', () => {
    expect(olderTouchToRecord('first_click', A, touch('C', 0), null, A)).toBeNull();
    expect(olderTouchToRecord('last_click', B, null, A, B)).toBeNull();
  });
});

describe('laterTouch: the lead belongs to the later of the recorded touch at its occurredAt and the one it records', () => {
  const C = touch('C', 5);
  it.each([
    [A, C, C], // recorded after A: C
    [null, C, C], // nothing recorded before it: C
    [touch('D', 6), C, 'D'], // a touch recorded after C's and before the lead: that one
    [A, null, A],
    [null, null, null],
  ] as const)('earlier %o, recorded %o → %o', (earlier, recorded, expected) => {
    const out = laterTouch(earlier, recorded);
    if (expected === 'D') expect(out).toBe(earlier);
    else expect(out).toBe(expected);
  });
});
