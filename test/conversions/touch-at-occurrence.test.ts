import { describe, expect, it } from 'vitest';
import { needsEarlierTouch, touchAtOccurrence, type Touch } from '../../src/conversions/resolve-attribution';

const at = (day: number) => new Date(Date.UTC(2026, 2, day, 12));
const touch = (partnerId: string, day: number): Touch => ({ partnerId, linkId: `lnk_${partnerId}`, clickId: null, at: at(day) });
const A = touch('A', 1); // partner A referred the customer on day 1
const B = touch('B', 10); // partner B's touch took it over on day 10

describe('needsEarlierTouch: the history is read only for a last_click conversion older than the current touch', () => {
  it.each([
    ['last_click', B, 5, true],
    ['last_click', B, 10, false], // exactly at the touch: the current one
    ['last_click', B, 12, false],
    ['last_click', null, 5, false], // no attribution: nothing to look back on
    ['first_click', A, 0, false],
    ['first_click', B, 5, false],
  ] as const)('%s, current %o, occurred on day %i → %s', (model, current, day, expected) => {
    expect(needsEarlierTouch(model, current, at(day))).toBe(expected);
  });
});

describe('touchAtOccurrence: the touch that was current when the conversion occurred', () => {
  it.each([
    // model, current, occurred day, earlier (from the history), expected partner (null: outside_window)
    ['last_click', B, 12, null, 'B'], // after the current touch: B, history not needed
    ['last_click', B, 10, null, 'B'], // at B's touch
    ['last_click', B, 5, A, 'A'], // the defect: backdated between A and B belongs to A
    ['last_click', B, 1, A, 'A'], // exactly at A's touch
    ['last_click', B, 5, null, null], // nothing recorded at or before it: outside_window
    ['last_click', B, 0, A, null], // an earlier touch that came after the event is not used
    ['last_click', null, 5, A, null], // an unattributed customer stays unattributed
    ['first_click', A, 5, null, 'A'],
    ['first_click', A, 0, null, null], // before the first touch: nobody's
    ['first_click', B, 5, A, null], // first_click never looks back, even given a touch
  ] as const)('%s, current %o, day %i, earlier %o → %s', (model, current, day, earlier, expected) => {
    const t = touchAtOccurrence(model, current, at(day), earlier);
    expect(t?.partnerId ?? null).toBe(expected);
    // The earlier touch is returned whole: its own `at` (reward windows count from it), link and click.
    if (expected === 'A' && model === 'last_click' && current === B) expect(t).toBe(A);
  });
});
