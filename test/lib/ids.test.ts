import { describe, expect, it } from 'vitest';
import { clickIdTime, newClickId, newId, newSortableId } from '../../src/lib/ids';

describe('click ids carry their time', () => {
  it('clickIdTime gives back the millisecond newClickId was minted at; null for other ids', () => {
    for (const ms of [0, 1, 61, 1_790_000_000_123, Date.UTC(2999, 0, 1)]) expect(clickIdTime(newClickId(ms))).toBe(ms);
    expect(clickIdTime('clk_doesnotexist')).toBeNull();
    expect(clickIdTime(newId('lnk'))).toBeNull();
    expect(clickIdTime(`${newClickId(5)}x`)).toBeNull();
    // Ids minted before click ids were time-ordered parse to a random time: 1 in ~6e8 falls inside
    // the 6 minutes a lead treats as "not recorded yet".
    expect(typeof clickIdTime(newId('clk'))).toBe('number');
  });

  it('sortable ids (clicks, events, commissions, customers) sort as bytes in the order they were minted', () => {
    const times = [0, 1, 61, 62, 3_843, 1_790_000_000_123, 1_790_000_000_124, Date.UTC(2999, 0, 1)];
    const ids = times.map((ms) => newSortableId('evt', ms));
    expect([...ids].reverse().sort()).toEqual(ids);
    expect(ids.every((id) => /^evt_[0-9A-Za-z]{20}$/.test(id))).toBe(true);
  });
});
